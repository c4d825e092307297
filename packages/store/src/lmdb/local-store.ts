// The node's local LMDB store: one environment in the data directory holding artifacts, services, snapshots,
// checkpoints, node metadata and the secrets vault, each in its own sub-database named by protocol's LMDB_DBS.
import { mkdirSync } from 'node:fs';
import { open } from 'lmdb';
import type { RootDatabase } from 'lmdb';
import { LMDB_DBS, SoloError } from '@solo/protocol';
import type { Json } from '@solo/protocol';
import { ArtifactStore } from './artifact-store.ts';
import { TypedDb } from './typed-db.ts';
import { VaultDb } from './vault-db.ts';
import type { VaultRecord } from './vault-db.ts';
import type { TransactionScope } from './typed-db.ts';
import { lmdbSync, toLmdbError } from './lmdb-error.ts';

/** The value type of each typed sub-database; the kernel narrows it with its own record types. */
export interface LocalStoreSchema {
  services: unknown;
  snapshots: unknown;
  meta: unknown;
  checkpoints: unknown;
  timers: unknown;
}

/** The schema when none is given: JSON values everywhere. */
export interface JsonStoreSchema extends LocalStoreSchema {
  services: Json;
  snapshots: Json;
  meta: Json;
  checkpoints: Json;
  timers: Json;
}

/** A node's local store. Open one per data directory and process; close it on shutdown. */
export class LocalStore<S extends LocalStoreSchema = JsonStoreSchema> {
  readonly artifacts: ArtifactStore;
  readonly services: TypedDb<S['services']>;
  readonly snapshots: TypedDb<S['snapshots']>;
  readonly meta: TypedDb<S['meta']>;
  readonly checkpoints: TypedDb<S['checkpoints']>;
  readonly timers: TypedDb<S['timers']>;
  /** The secrets vault's records (synchronous; see VaultDb). */
  readonly vault: VaultDb;
  readonly #root: RootDatabase;
  readonly #scope: TransactionScope = { active: false };
  #closed: Promise<void> | undefined;

  private constructor(root: RootDatabase) {
    this.#root = root;
    const typed = <V>(name: string): TypedDb<V> => new TypedDb<V>(name, root.openDB<V, string>({ name, encoding: 'msgpack' }), root, this.#scope);
    this.artifacts = new ArtifactStore(root.openDB<string, string>({ name: LMDB_DBS.artifacts, encoding: 'string' }), root);
    this.services = typed(LMDB_DBS.services);
    this.snapshots = typed(LMDB_DBS.snapshots);
    this.meta = typed(LMDB_DBS.meta);
    this.checkpoints = typed(LMDB_DBS.checkpoints);
    this.timers = typed(LMDB_DBS.timers);
    this.vault = new VaultDb(root.openDB<VaultRecord, string>({ name: LMDB_DBS.vault, encoding: 'msgpack' }), root);
  }

  /** Opens (creating if needed) the store in `dir`. @throws `internal` when the directory cannot hold an LMDB environment. */
  static open<S extends LocalStoreSchema = JsonStoreSchema>(dir: string): LocalStore<S> {
    if (typeof dir !== 'string' || dir.length === 0) {
      throw new SoloError('invalid_request', 'The local store needs a directory path; pass the data directory (e.g. ./.solo/store).', { details: { field: 'dir' } });
    }
    return lmdbSync(`Opening the local store at ${dir}`, () => {
      // Created up front so the environment is always a directory (data.mdb + lock.mdb), never a bare file.
      mkdirSync(dir, { recursive: true });
      return new LocalStore<S>(open({ path: dir, compression: false }));
    });
  }

  /**
   * Runs `fn` as one atomic write across every sub-database and resolves with its result once durable.
   * `fn` must be synchronous; inside it, `put`/`remove` apply at once (no need to await them) and reads see
   * them. If `fn` throws, nothing it wrote is kept and its error is rethrown unchanged.
   */
  async transaction<T>(fn: () => T): Promise<T> {
    let thrown: { error: unknown } | undefined;
    let result: T;
    try {
      result = (await this.#root.transaction(() =>
        this.#root.childTransaction(() => {
          this.#scope.active = true;
          try {
            const value = fn();
            if (typeof (value as { then?: unknown } | null)?.then === 'function') {
              throw new SoloError('internal', 'LocalStore.transaction callbacks must be synchronous: do the async work first, then write in one synchronous callback.');
            }
            return value;
          } catch (err) {
            thrown = { error: err };
            throw err;
          } finally {
            this.#scope.active = false;
          }
        }),
      )) as T;
      await this.#root.flushed;
    } catch (err) {
      if (thrown !== undefined) throw thrown.error;
      throw toLmdbError(err, 'Committing a transaction');
    }
    return result;
  }

  /** Waits for pending writes and closes the environment. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await this.#root.close();
      } catch (err) {
        throw toLmdbError(err, 'Closing the local store');
      }
    })();
    return this.#closed;
  }
}
