// Live tails for agents: a follow forwards events or log lines to the client's inbox and ends when the
// client stops answering heartbeats (it went away) or asks to stop. No follow outlives its client.
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from 'nats';
import { HEADERS, SoloError, toWireError, type TenantId } from '@solo/protocol';
import type { Kernel, KernelLogger } from '@solo/kernel';

const enc = new TextEncoder();
/** Live follows one tenant may hold at once. */
const MAX_FOLLOWS_PER_TENANT = 64;

interface FollowSource {
  [Symbol.asyncIterator](): AsyncIterator<{ seq: number }>;
  stop(): Promise<void>;
}

interface LiveFollow {
  tenant: TenantId;
  source: FollowSource;
  timer: NodeJS.Timeout;
  done: Promise<void>;
  /** True once the client stopped answering heartbeats or asked to stop: no end marker is sent then. */
  clientGone: boolean;
}

/** Options of {@link FollowManager}. */
export interface FollowManagerOptions {
  nc: NatsConnection;
  kernel: Kernel;
  log: KernelLogger;
  heartbeatMs: number;
}

/** Starts, heartbeats and stops follows. */
export class FollowManager {
  readonly #o: FollowManagerOptions;
  readonly #live = new Map<string, LiveFollow>();

  constructor(o: FollowManagerOptions) {
    this.#o = o;
  }

  get size(): number {
    return this.#live.size;
  }

  /** Starts forwarding to `req.inbox`; returns the follow id. @throws `limit_exceeded` */
  async start(tenant: TenantId, kind: 'events' | 'logs', req: { inbox: string; service_id?: string; type?: string; since_seq?: number }): Promise<string> {
    let count = 0;
    for (const f of this.#live.values()) if (f.tenant === tenant) count++;
    if (count >= MAX_FOLLOWS_PER_TENANT) {
      throw new SoloError('limit_exceeded', `Tenant '${tenant}' already has ${count} live follows (the limit is ${MAX_FOLLOWS_PER_TENANT}). Stop some with follow_stop.`);
    }
    const q: { service?: string; type?: string; sinceSeq?: number } = {};
    if (req.service_id) q.service = req.service_id;
    if (req.type) q.type = req.type;
    if (req.since_seq) q.sinceSeq = req.since_seq;
    const source: FollowSource = kind === 'events' ? this.#o.kernel.tailEvents(tenant, q) : this.#o.kernel.tailLogs(tenant, q);
    const id = randomUUID();
    const { nc, log } = this.#o;
    const pump = async (): Promise<void> => {
      let failure: unknown = null;
      try {
        for await (const item of source) {
          const h = natsHeaders();
          h.set(HEADERS.streamSeq, String(item.seq));
          nc.publish(req.inbox, enc.encode(JSON.stringify(item)), { headers: h });
        }
      } catch (err) {
        failure = err;
        log.warn('follow ended with an error', { follow_id: id, error: String(err) });
      } finally {
        const live = this.#live.get(id);
        this.#end(id);
        // Tell a client that is still listening that the node ended the follow, so it does not wait forever.
        if (live && !live.clientGone) {
          const h = natsHeaders();
          h.set(HEADERS.followEnd, '1');
          const body = failure === null ? new Uint8Array(0) : enc.encode(JSON.stringify(toWireError(failure)));
          try {
            nc.publish(req.inbox, body, { headers: h });
          } catch {
            // The connection is closing: the client learns the end from its own connection.
          }
        }
      }
    };
    const timer = setInterval(() => {
      const h = natsHeaders();
      h.set(HEADERS.followHeartbeat, '1');
      nc.request(req.inbox, new Uint8Array(0), { timeout: this.#o.heartbeatMs, headers: h }).catch(() => {
        // No responder or no answer in time: the client is gone.
        const f = this.#live.get(id);
        if (f) f.clientGone = true;
        void this.stop(tenant, id).catch(() => undefined);
      });
    }, this.#o.heartbeatMs);
    timer.unref();
    const live: LiveFollow = { tenant, source, timer, done: Promise.resolve(), clientGone: false };
    this.#live.set(id, live);
    live.done = pump();
    return id;
  }

  /** Stops one follow of `tenant`. @throws `not_found` */
  async stop(tenant: TenantId, id: string): Promise<void> {
    const f = this.#live.get(id);
    if (!f || f.tenant !== tenant) throw new SoloError('not_found', `No live follow '${id}' for tenant '${tenant}'.`);
    f.clientGone = true;
    await f.source.stop();
    await f.done;
  }

  /** Ends every follow because the node stops: clients get the end marker. */
  async stopAll(): Promise<void> {
    const all = [...this.#live.values()];
    await Promise.allSettled(all.map(async (f) => {
      await f.source.stop();
      await f.done;
    }));
  }

  #end(id: string): void {
    const f = this.#live.get(id);
    if (!f) return;
    clearInterval(f.timer);
    this.#live.delete(id);
  }
}
