// Compiled service code, content-addressed by the sha256 hex of its text; verify() detects a tampered artifact.
import { createHash } from 'node:crypto';
import type { Database, RootDatabase } from 'lmdb';
import { SoloError } from '@solo/protocol';
import { lmdbSync, toLmdbError } from './lmdb-error.ts';

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The sha256 hex of `code` (UTF-8): an artifact's address. */
export function artifactHash(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

function checkHash(hash: string): void {
  if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) {
    throw new SoloError('invalid_request', `Invalid artifact hash ${typeof hash === 'string' ? `'${hash.slice(0, 80)}'` : `of type ${typeof hash}`}: pass 64 lowercase hex digits (sha256).`, {
      details: { field: 'artifact_hash' },
    });
  }
}

/** The node's artifact store. */
export class ArtifactStore {
  readonly #db: Database<string, string>;
  readonly #root: RootDatabase;

  constructor(db: Database<string, string>, root: RootDatabase) {
    this.#db = db;
    this.#root = root;
  }

  /** Stores `code` and resolves with its hash once durable. Storing the same code again writes nothing. */
  async put(code: string): Promise<string> {
    if (typeof code !== 'string') {
      throw new SoloError('invalid_request', `An artifact must be code as a string, got ${typeof code}.`, { details: { field: 'code' } });
    }
    const hash = artifactHash(code);
    // A stored copy that differs was tampered with or torn: writing the code again repairs it.
    if (lmdbSync('Reading an artifact', () => this.#db.get(hash)) === code) return hash;
    try {
      await this.#db.put(hash, code);
      await this.#root.flushed;
    } catch (err) {
      throw toLmdbError(err, `Storing artifact ${hash}`);
    }
    return hash;
  }

  /** The code stored under `hash`, or undefined. Call {@link verify} before running code read from disk. */
  get(hash: string): string | undefined {
    checkHash(hash);
    return lmdbSync(`Reading artifact ${hash}`, () => this.#db.get(hash));
  }

  /** Whether an artifact is stored under `hash`. */
  has(hash: string): boolean {
    checkHash(hash);
    return lmdbSync(`Reading artifact ${hash}`, () => this.#db.doesExist(hash));
  }

  /** True only when the stored code still hashes to `hash`; false when it is missing or was altered. */
  verify(hash: string): boolean {
    const code = this.get(hash);
    return code !== undefined && artifactHash(code) === hash;
  }
}
