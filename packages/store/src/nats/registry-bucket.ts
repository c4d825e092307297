// The discovery records' JetStream KV bucket (`solo_registry`): durable, one value per key, watched into a
// local copy by each node. TTL is per bucket on nats-server 2.9, so expiry lives in the records themselves.
import { StorageType } from 'nats';
import type { KV, KvEntry, NatsConnection, QueuedIterator } from 'nats';
import { SoloError, registryBucket } from '@solo/protocol';
import { toStoreError } from './nats-error.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** KV keys allow `[-/_=.a-zA-Z0-9]`; Solo's key parts are ids, joined with dots. */
const KEY_PART = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** One change seen by a watch: a record stored (`value` set) or removed (`value` null). */
export interface RegistryChange {
  key: string;
  value: unknown;
}

/** The registry bucket: `put`, `remove`, and `watch` (every current record, then every change). */
export class RegistryBucket {
  readonly #kv: KV;
  #watch: QueuedIterator<KvEntry> | null = null;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /**
   * Opens (creating when missing) the bucket on file storage.
   * @throws `unavailable` when NATS or JetStream does not answer.
   */
  static async open(nc: NatsConnection, opts: { replicas?: number } = {}): Promise<RegistryBucket> {
    try {
      const kv = await nc.jetstream().views.kv(registryBucket(), { history: 1, storage: StorageType.File, replicas: opts.replicas ?? 1 });
      return new RegistryBucket(kv);
    } catch (err) {
      throw toStoreError(err, 'Opening the registry bucket');
    }
  }

  /** The key of a record from its id parts (each must be an id). @throws `invalid_request` */
  static keyOf(parts: readonly string[]): string {
    for (const p of parts) {
      if (!KEY_PART.test(p)) throw new SoloError('invalid_request', `Invalid registry key part '${p}': ids follow [a-z0-9][a-z0-9_-]{0,62}.`);
    }
    return parts.join('.');
  }

  /** Stores a JSON record under `key`. @throws `unavailable` */
  async put(key: string, value: unknown): Promise<void> {
    try {
      await this.#kv.put(key, enc.encode(JSON.stringify(value)));
    } catch (err) {
      throw toStoreError(err, 'Writing to the registry');
    }
  }

  /** Removes the record under `key` (a purge, so no tombstone history is kept). @throws `unavailable` */
  async remove(key: string): Promise<void> {
    try {
      await this.#kv.purge(key);
    } catch (err) {
      throw toStoreError(err, 'Removing from the registry');
    }
  }

  /**
   * Calls `onChange` with every record stored now, then with every later change, in order; resolves once
   * the current records were delivered. One watch per bucket object.
   * @throws `unavailable` when the watch cannot start
   */
  async watch(onChange: (c: RegistryChange) => void): Promise<void> {
    if (this.#watch) throw new SoloError('internal', 'The registry bucket is already watched; open another bucket object for a second watch.');
    let initialized: () => void = () => {};
    const done = new Promise<void>((r) => (initialized = r));
    try {
      this.#watch = await this.#kv.watch({ key: '>', initializedFn: () => initialized() });
    } catch (err) {
      throw toStoreError(err, 'Watching the registry');
    }
    const it = this.#watch;
    void (async () => {
      for await (const e of it) {
        if (e.operation !== 'PUT') {
          onChange({ key: e.key, value: null });
          continue;
        }
        try {
          onChange({ key: e.key, value: JSON.parse(dec.decode(e.value)) as unknown });
        } catch {
          // A record that is not JSON was not written by Solo: it is invisible rather than fatal.
          onChange({ key: e.key, value: null });
        }
      }
    })();
    await done;
  }

  /** Ends the watch (its ordered consumer goes with it). Idempotent. */
  stop(): void {
    this.#watch?.stop();
    this.#watch = null;
  }
}
