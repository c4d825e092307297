// AES-256-GCM sealing for the vault. A sealed box is iv (12 random bytes) | tag (16) | ciphertext; the
// additional data binds the box to its place, so a box copied to another tenant or name fails to open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts `plaintext` under `key` with a fresh random IV, authenticating `aad` with it. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/**
 * Decrypts a box made by {@link seal}. Returns null when it does not authenticate (wrong key, other `aad`,
 * altered or truncated bytes): the caller decides which error that is, and no partial plaintext escapes.
 */
export function unseal(key: Buffer, box: Uint8Array, aad: string): Buffer | null {
  if (box.length < IV_BYTES + TAG_BYTES) return null;
  const iv = box.subarray(0, IV_BYTES);
  const tag = box.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(box.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    // Node reports a failed tag check only as a thrown Error ("Unsupported state or unable to authenticate
    // data"): that is the one failure expected here, so it becomes null rather than a raw crypto error.
    return null;
  }
}
