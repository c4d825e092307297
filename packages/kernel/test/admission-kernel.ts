// Test helper for the admission tests: one real kernel (real nats-server, real LMDB in a temp dir, isolates)
// assembled by hand so a test can pass admission options and call the kernel directly, as ctx.call does.
import { connect, type NatsConnection } from 'nats';
import { IsolateSandbox } from '@solo/actor-core';
import { uniqueName, createTempDir, startNatsServer, type TempDir, type TestNatsServer } from '@solo/testkit';
import { DeadLetters, EventLog, LocalStore, LogStream, MailboxStream, ensureStreams } from '@solo/store';
import { parseServiceId, type Json, type ServiceId, type ServiceLimits, type ServiceSupervisionOptions, type SoloEvent, type TenantId } from '@solo/protocol';
import { Kernel, type AdmissionOptions } from '@solo/kernel';

/** A running kernel and what a test needs around it. */
export interface TestKernel {
  kernel: Kernel;
  /** Deploys `source` under `service` for `tenant`. */
  deploy(tenant: TenantId, service: string, source: string, opts?: { limits?: ServiceLimits; durable?: boolean; supervision?: ServiceSupervisionOptions }): Promise<ServiceId>;
  /** The tenant's events, optionally of one type. */
  events(tenant: TenantId, type?: string): Promise<SoloEvent[]>;
  stop(): Promise<void>;
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** A fresh tenant id. */
export function newTenant(): TenantId {
  return uniqueName('t') as TenantId;
}

/** Starts nats-server, the streams, LMDB and a ready kernel. Stop it with `stop()` (stops the server by PID). */
export async function startTestKernel(
  opts: { admission?: AdmissionOptions; before?: (stores: { events: EventLog; local: LocalStore }) => Promise<void> } = {},
): Promise<TestKernel> {
  const nats: TestNatsServer = await startNatsServer();
  let nc: NatsConnection | null = null;
  let dir: TempDir | null = null;
  let local: LocalStore | null = null;
  let kernel: Kernel | null = null;
  const stop = async (): Promise<void> => {
    await kernel?.stop({ timeoutMs: 2000 });
    await local?.close();
    await nc?.close();
    await nats.stop();
    dir?.remove();
  };
  try {
    nc = await connect({ servers: nats.url });
    await ensureStreams(nc);
    dir = createTempDir('solo-admission-');
    local = LocalStore.open(dir.path);
    const [events, mailbox, logs, deadLetters] = await Promise.all([EventLog.open(nc), MailboxStream.open(nc), LogStream.open(nc), DeadLetters.open(nc)]);
    await opts.before?.({ events, local });
    const k = Kernel.create({
      nodeId: uniqueName('n'),
      events,
      mailbox,
      logs,
      deadLetters,
      local,
      sandbox: new IsolateSandbox(),
      version: 'test',
      log: silent,
      ...(opts.admission ? { admission: opts.admission } : {}),
    });
    kernel = k;
    await k.start();
    return {
      kernel: k,
      async deploy(tenant, service, source, o = {}) {
        const id = parseServiceId(service);
        await k.deploy(
          tenant,
          { service: id, source, filename: `${service}.ts`, args: null, limits: o.limits, restart: 'permanent', durable: o.durable ?? false, ...(o.supervision ? { supervision: o.supervision } : {}) },
          {},
        );
        return id;
      },
      async events(tenant, type) {
        const r = await k.events(tenant, { limit: 1000, ...(type ? { type } : {}) });
        return r.events;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A service whose calls reply with what they are asked for: `{ echo }`, `{ size }` bytes, `{ burnMs }` of CPU, `{ crash }`, `{ timers, durable }`. */
export const WORKER_SOURCE = `
export default {
  init() { return { n: 0 }; },
  handleCall(msg, state, ctx) {
    const n = state.n + 1;
    if (msg && msg.crash) throw new Error('crash requested');
    if (msg && typeof msg.size === 'number') return { reply: 'x'.repeat(msg.size), state: { n } };
    if (msg && typeof msg.burnMs === 'number') { const t = Date.now(); while (Date.now() - t < msg.burnMs) {} }
    if (msg && typeof msg.timers === 'number') {
      let set = 0;
      try { for (let i = 0; i < msg.timers; i++) { ctx.setTimer(60000, { i }, { durable: msg.durable === true }); set++; } }
      catch (err) { return { reply: { set, code: err.code }, state: { n } }; }
      return { reply: { set, code: null }, state: { n } };
    }
    return { reply: n, state: { n } };
  },
  handleCast(msg, state) {
    if (msg && msg.crash) throw new Error('crash requested');
    return { n: state.n + 1 };
  },
  handleInfo(_msg, state) { return state; },
};
`;

/** The reply of a call, or the code of the error it failed with. */
export async function outcome(p: Promise<Json>): Promise<{ ok: true; reply: Json } | { ok: false; code: string; details: Record<string, unknown> | undefined }> {
  try {
    return { ok: true, reply: await p };
  } catch (err) {
    const e = err as { code?: string; details?: Record<string, unknown> };
    return { ok: false, code: String(e.code), details: e.details };
  }
}
