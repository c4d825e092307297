// The vault's sub-database: binary records under string keys, read and written synchronously, because a
// secret read sits on a service's ctx.secret() path and a rotation must re-wrap every data key in one commit.
import type { Database, RootDatabase } from 'lmdb';
import { SoloError } from '@solo/protocol';
import { lmdbSync, toLmdbError } from './lmdb-error.ts';

/** One vault record as stored: a msgpack map of strings, numbers and byte buffers. The kernel owns its shape. */
export type VaultRecord = Readonly<Record<string, string | number | Uint8Array>>;

/** The writes allowed inside {@link VaultDb.writeSync}; each applies at once and later reads in the callback see it. */
export interface VaultWriter {
  put(key: string, value: VaultRecord): void;
  /** Deletes `key`; returns whether it existed. */
  remove(key: string): boolean;
}

/** Longest key accepted, in characters (LMDB's own limit is 1978 bytes). */
const MAX_KEY_CHARS = 480;

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS) {
    throw new SoloError('invalid_request', `Invalid vault key ${typeof key === 'string' ? `of ${key.length} characters` : `of type ${typeof key}`}: pass a string of 1-${MAX_KEY_CHARS} characters.`, {
      details: { field: 'key', db: 'vault' },
    });
  }
}

/**
 * The `vault` sub-database. Every method is synchronous. Values come back as `unknown`: they are read from
 * disk, so the caller validates their shape before trusting them.
 */
export class VaultDb {
  readonly #db: Database<VaultRecord, string>;
  readonly #root: RootDatabase;

  constructor(db: Database<VaultRecord, string>, root: RootDatabase) {
    this.#db = db;
    this.#root = root;
  }

  /** The record under `key`, or undefined. */
  get(key: string): unknown {
    checkKey(key);
    return lmdbSync('Reading a vault record', () => this.#db.get(key));
  }

  /** Whether a record is stored under `key`. */
  has(key: string): boolean {
    checkKey(key);
    return lmdbSync('Reading a vault record', () => this.#db.doesExist(key));
  }

  /** Every record whose key starts with `prefix`, in key order, read from one snapshot into an array. */
  entries(prefix: string): Array<[string, unknown]> {
    checkKey(prefix);
    // U+10FFFF encodes to the greatest UTF-8 sequence, so prefix + it bounds every key under the prefix.
    return lmdbSync('Listing vault records', () => {
      const out: Array<[string, unknown]> = [];
      for (const { key, value } of this.#db.getRange({ start: prefix, end: `${prefix}\u{10FFFF}` })) {
        if (key.startsWith(prefix)) out.push([key, value]);
      }
      return out;
    });
  }

  /** Every key that starts with `prefix`, in key order. */
  keys(prefix: string): string[] {
    checkKey(prefix);
    return lmdbSync('Listing vault keys', () => {
      const out: string[] = [];
      for (const key of this.#db.getKeys({ start: prefix, end: `${prefix}\u{10FFFF}` })) {
        if (key.startsWith(prefix)) out.push(key);
      }
      return out;
    });
  }

  /**
   * Runs `fn` as one synchronous write transaction and returns its result once committed and flushed to disk
   * (lmdb's default for transactionSync, even with overlappingSync): all of its writes land or none do, and a
   * caller may rely on them surviving a power loss once this returns. If `fn` throws, nothing it wrote is kept
   * and its error is rethrown unchanged.
   */
  writeSync<T>(fn: (w: VaultWriter) => T): T {
    const writer: VaultWriter = {
      put: (key, value) => {
        checkKey(key);
        this.#db.putSync(key, value);
      },
      remove: (key) => {
        checkKey(key);
        return this.#db.removeSync(key);
      },
    };
    let thrown: { error: unknown } | undefined;
    try {
      return this.#root.transactionSync(() => {
        try {
          return fn(writer);
        } catch (err) {
          thrown = { error: err };
          throw err;
        }
      });
    } catch (err) {
      if (thrown !== undefined) throw thrown.error;
      throw toLmdbError(err, 'Committing a vault transaction');
    }
  }
}
