// Loading the vault's master key: SOLO_MASTER_KEY from the environment, else `<dataDir>/keys/master.key`,
// created on the first start. Called once by the node's start-up before SecretVault.open.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SoloError } from '@solo/protocol';
import { KEY_BYTES, keyFileExists, readKeyFile, writeKeyFile } from './vault-key-file.ts';

/** The environment variable holding the master key (32 bytes as base64 or 64 hex characters). */
export const MASTER_KEY_ENV = 'SOLO_MASTER_KEY';
/** The environment variable holding the master key being rotated away from; its data keys are re-wrapped on open. */
export const PREVIOUS_MASTER_KEY_ENV = 'SOLO_MASTER_KEY_PREVIOUS';

/** A master key and its public id. */
export interface MasterKey {
  key: Buffer;
  /** First 16 hex characters of sha256(key): safe to log and store; never the key. */
  id: string;
}

/** The master key the vault runs with, and where it came from. */
export interface MasterKeySource {
  key: Buffer;
  id: string;
  source: 'env' | 'file';
  /** The key file (`source: 'file'`), or null for a key from the environment. */
  path: string | null;
  /** The key from SOLO_MASTER_KEY_PREVIOUS, if set: data keys it wrapped are re-wrapped with `key` on open. */
  previous?: MasterKey | null;
}

/** The public id of a master key: the first 16 hex characters of its sha256. */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Where the master key file of a data directory lives. */
export function masterKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'master.key');
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}=?$/;

/** Decodes a key given as text. The message never quotes the text: it is the key. */
function parseKeyText(variable: string, text: string): Buffer {
  const t = text.trim();
  let key: Buffer | undefined;
  if (HEX_KEY.test(t)) key = Buffer.from(t, 'hex');
  else if (BASE64_KEY.test(t)) key = Buffer.from(t, 'base64');
  else if (BASE64URL_KEY.test(t)) key = Buffer.from(t, 'base64url');
  if (key === undefined || key.length !== KEY_BYTES) {
    throw new SoloError(
      'invalid_request',
      `${variable} is not a ${KEY_BYTES}-byte key (its value has ${t.length} characters). Set it to ${KEY_BYTES} random bytes as base64 (44 characters, \`openssl rand -base64 32\`) or as 64 hex characters (\`openssl rand -hex 32\`), or unset it to use the key file in the data directory.`,
      { details: { field: variable, length: t.length } },
    );
  }
  return key;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>, variable: string): MasterKey | null {
  const text = env[variable];
  if (text === undefined) return null;
  const key = parseKeyText(variable, text);
  return { key, id: masterKeyId(key) };
}

/**
 * Loads the master key: SOLO_MASTER_KEY when set (32 bytes as base64 or 64 hex characters), else
 * `<dataDir>/keys/master.key`, created with 32 random bytes (file 0600, directory 0700) when missing.
 * SOLO_MASTER_KEY_PREVIOUS, when set, is returned as `previous` so that SecretVault.open re-wraps its data keys.
 * `env` @default process.env (tests pass their own).
 * @throws `invalid_request` for a malformed variable, or a key file that is not a regular file, has a mode
 * wider than 0600 or is not 32 bytes (the operator must fix it; retrying cannot help); `internal` when the
 * file cannot be read or written.
 */
export function loadMasterKey(o: { dataDir: string; env?: Readonly<Record<string, string | undefined>> }): MasterKeySource {
  if (typeof o.dataDir !== 'string' || o.dataDir.length === 0) {
    throw new SoloError('invalid_request', 'loadMasterKey needs the data directory: pass dataDir (e.g. ./.solo).', { details: { field: 'dataDir' } });
  }
  const env = o.env ?? process.env;
  const previous = fromEnv(env, PREVIOUS_MASTER_KEY_ENV);
  const current = fromEnv(env, MASTER_KEY_ENV);
  if (current !== null) {
    return { key: current.key, id: current.id, source: 'env', path: null, previous: previous?.id === current.id ? null : previous };
  }
  const path = masterKeyPath(o.dataDir);
  let key: Buffer;
  if (keyFileExists(path)) {
    key = readKeyFile(path);
  } else {
    key = randomBytes(KEY_BYTES);
    writeKeyFile(path, key);
  }
  const id = masterKeyId(key);
  return { key, id, source: 'file', path, previous: previous?.id === id ? null : previous };
}
