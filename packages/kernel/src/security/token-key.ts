// The node's token-signing key: 32 random bytes in `<dataDir>/keys/token.key` (mode 0600), or `SOLO_TOKEN_KEY`
// (base64 or hex) so the nodes of a cluster can share one.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SoloError } from '@solo/protocol';

/** Bytes of the HMAC-SHA256 key. */
export const TOKEN_KEY_BYTES = 32;

function decodeKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== TOKEN_KEY_BYTES) {
    throw new SoloError('invalid_request', `${where} must hold ${TOKEN_KEY_BYTES} bytes as base64 or 64 hex characters.`, { details: { field: where } });
  }
  return key;
}

/**
 * Loads the signing key, creating the file on first start.
 * @throws `invalid_request` for a key of the wrong size or a key file readable by others
 */
export function loadTokenKey(o: { dataDir: string; env?: Readonly<Record<string, string | undefined>> }): Buffer {
  const fromEnv = o.env?.['SOLO_TOKEN_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return decodeKey(fromEnv, 'SOLO_TOKEN_KEY');
  const dir = join(o.dataDir, 'keys');
  const path = join(dir, 'token.key');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, randomBytes(TOKEN_KEY_BYTES).toString('base64'), { mode: 0o600 });
    renameSync(tmp, path);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SoloError('invalid_request', `${path} is readable by other users (mode ${mode.toString(8)}). Run \`chmod 600 ${path}\`.`, { details: { path } });
  }
  return decodeKey(readFileSync(path, 'utf8'), path);
}
