// One LMDB sub-database with string keys and values of one type: the shape of services, snapshots, meta and checkpoints.
import type { Database, RootDatabase } from 'lmdb';
import { SoloError } from '@solo/protocol';
import { lmdbSync, toLmdbError } from './lmdb-error.ts';

/** Whether the calling code runs inside `LocalStore.transaction`; shared by every TypedDb of one store. */
export interface TransactionScope {
  active: boolean;
}

/** Options of {@link TypedDb.entries}. */
export interface EntriesOptions {
  /** Only keys that start with it. */
  prefix?: string;
  /** Newest-first: descending key order. @default false */
  reverse?: boolean;
  /** Most entries returned. @default unlimited */
  limit?: number;
}

/** Longest key accepted, in characters (LMDB's own limit is 1978 bytes). */
const MAX_KEY_CHARS = 480;

function checkKey(db: string, key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS) {
    throw new SoloError('invalid_request', `Invalid ${db} key ${typeof key === 'string' ? `of ${key.length} characters` : `of type ${typeof key}`}: pass a string of 1-${MAX_KEY_CHARS} characters.`, {
      details: { field: 'key', db },
    });
  }
}

/**
 * A sub-database. Reads are synchronous; writes resolve once the commit is flushed to disk. Keys sort by
 * their UTF-8 bytes, so zero-pad numbers that must sort numerically (e.g. checkpoint sequences).
 */
export class TypedDb<V> {
  readonly #name: string;
  readonly #db: Database<V, string>;
  readonly #root: RootDatabase;
  readonly #scope: TransactionScope;

  constructor(name: string, db: Database<V, string>, root: RootDatabase, scope: TransactionScope) {
    this.#name = name;
    this.#db = db;
    this.#root = root;
    this.#scope = scope;
  }

  /** The value under `key`, or undefined. */
  get(key: string): V | undefined {
    checkKey(this.#name, key);
    return lmdbSync(`Reading ${this.#name} '${key}'`, () => this.#db.get(key));
  }

  /** Stores `value` under `key`. Outside a transaction it resolves once durable; inside one it joins the transaction. */
  async put(key: string, value: V): Promise<void> {
    checkKey(this.#name, key);
    if (value === undefined) {
      throw new SoloError('invalid_request', `Cannot store undefined under ${this.#name} '${key}': use remove() to delete a key.`, { details: { field: 'value' } });
    }
    const action = `Writing ${this.#name} '${key}'`;
    if (this.#scope.active) {
      lmdbSync(action, () => this.#db.putSync(key, value));
      return;
    }
    try {
      await this.#db.put(key, value);
      await this.#root.flushed;
    } catch (err) {
      throw toLmdbError(err, action);
    }
  }

  /** Deletes `key`; resolves with whether it existed. */
  async remove(key: string): Promise<boolean> {
    checkKey(this.#name, key);
    const action = `Removing ${this.#name} '${key}'`;
    if (this.#scope.active) return lmdbSync(action, () => this.#db.removeSync(key));
    try {
      // Asynchronous remove resolves true even for a missing key, so existence is read first; the single
      // writer per node (the kernel) makes the check-then-remove safe.
      const existed = this.#db.doesExist(key);
      await this.#db.remove(key);
      await this.#root.flushed;
      return existed;
    } catch (err) {
      throw toLmdbError(err, action);
    }
  }

  /** Entries in key order (or reverse), optionally under a prefix. Reads one consistent snapshot. */
  entries(opts: EntriesOptions = {}): Iterable<[string, V]> {
    const { prefix, reverse = false, limit } = opts;
    if (prefix !== undefined && typeof prefix !== 'string') {
      throw new SoloError('invalid_request', `Invalid ${this.#name} prefix: pass a string.`, { details: { field: 'prefix' } });
    }
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new SoloError('invalid_request', `Invalid ${this.#name} limit ${String(limit)}: pass a whole number of 0 or more.`, { details: { field: 'limit' } });
    }
    return this.#iterate(prefix, reverse, limit ?? Number.POSITIVE_INFINITY);
  }

  *#iterate(prefix: string | undefined, reverse: boolean, limit: number): Generator<[string, V]> {
    // U+10FFFF encodes to the greatest UTF-8 sequence, so prefix + it bounds every key under the prefix.
    const high = prefix === undefined ? undefined : `${prefix}\u{10FFFF}`;
    const action = `Listing ${this.#name}`;
    const range = lmdbSync(action, () =>
      reverse ? this.#db.getRange({ start: high, end: prefix, reverse: true }) : this.#db.getRange({ start: prefix, end: high }),
    );
    const it = range[Symbol.iterator]();
    let n = 0;
    while (n < limit) {
      const step = lmdbSync(action, () => it.next());
      if (step.done === true) return;
      const { key, value } = step.value;
      if (prefix !== undefined && !key.startsWith(prefix)) continue;
      n += 1;
      yield [key, value];
    }
    it.return?.();
  }

  /** How many keys the sub-database holds (under `prefix` when given). */
  count(opts: { prefix?: string } = {}): number {
    if (opts.prefix === undefined) return lmdbSync(`Counting ${this.#name}`, () => this.#db.getCount());
    let n = 0;
    for (const _ of this.entries({ prefix: opts.prefix })) n += 1;
    return n;
  }
}
