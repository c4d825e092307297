// The master key on disk: `keys/master.key` (32 raw bytes, mode 0600, in a 0700 directory) and, during a
// rotation, `keys/master.key.next`. Every write goes through a temp file, fsync and rename, so a crash never
// leaves a torn key behind.
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SoloError } from '@solo/protocol';

/** Size of every master key and data key, in bytes (AES-256). */
export const KEY_BYTES = 32;

/** Wraps a filesystem failure; the message names the path and the errno code, never key material. */
function fsError(err: unknown, action: string, path: string): SoloError {
  if (err instanceof SoloError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code ?? 'unknown error';
  return new SoloError('internal', `${action} ${path} failed (${code}). Check that the data directory exists, is writable by the node's user and that the disk is not full.`, {
    cause: err,
    details: { path },
  });
}

/** Whether a file exists at `path` (a broken symlink or another error counts as existing, so reading reports it). */
export function keyFileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Reads a master key file.
 * @throws `invalid_request` when it is not a regular file, is readable or writable by group or others, or is
 * not exactly 32 bytes: the operator must fix the file, and retrying without that cannot help.
 */
export function readKeyFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new SoloError('invalid_request', `The master key file ${path} is a symbolic link; Solo reads only a regular file. Replace the link with the key file itself (mode 0600).`, {
        details: { path },
      });
    }
    throw fsError(err, 'Opening the master key file', path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new SoloError('invalid_request', `The master key path ${path} is not a regular file. Move it away and restore the key file (32 bytes, mode 0600).`, { details: { path } });
    }
    if ((st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw new SoloError(
        'invalid_request',
        `The master key file ${path} has mode ${mode}, so users other than its owner can access it; Solo refuses to use a key that may have leaked. Run \`chmod 600 ${path}\`, and rotate the key if others could have read it.`,
        { details: { path, mode } },
      );
    }
    if (st.size !== KEY_BYTES) {
      throw new SoloError(
        'invalid_request',
        `The master key file ${path} holds ${st.size} bytes, not ${KEY_BYTES}: it is damaged or not a Solo master key. Restore it from your backup; without it the stored secrets cannot be decrypted.`,
        { details: { path, size_bytes: st.size } },
      );
    }
    const key = Buffer.alloc(KEY_BYTES);
    let read = 0;
    while (read < KEY_BYTES) {
      const n = readSync(fd, key, read, KEY_BYTES - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read !== KEY_BYTES) {
      throw new SoloError('invalid_request', `The master key file ${path} changed while it was read. Retry; if it persists, restore the file from your backup.`, { details: { path } });
    }
    return key;
  } catch (err) {
    throw fsError(err, 'Reading the master key file', path);
  } finally {
    closeSync(fd);
  }
}

/** Creates the directory of `path` with mode 0700 when it is missing. */
function ensureKeyDir(path: string): void {
  const dir = dirname(path);
  try {
    if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) {
      // mkdir's mode is narrowed by the umask only; set it exactly so the directory is 0700 whatever the umask.
      openAndChmodDir(dir);
    }
  } catch (err) {
    throw fsError(err, 'Creating the key directory', dir);
  }
}

function openAndChmodDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a directory entry change (create, rename) to disk. */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `key` to `path` atomically with mode 0600: temp file, fsync, rename, fsync of the directory. An
 * existing file at `path` is replaced.
 */
export function writeKeyFile(path: string, key: Buffer): void {
  ensureKeyDir(path);
  const tmp = `${path}.tmp`;
  try {
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      fchmodSync(fd, 0o600);
      let written = 0;
      while (written < key.length) written += writeSync(fd, key, written, key.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fsError(err, 'Writing the master key file', path);
  }
}

/** Renames `from` over `to` and makes the rename durable. */
export function replaceKeyFile(from: string, to: string): void {
  try {
    renameSync(from, to);
    fsyncDir(dirname(to));
  } catch (err) {
    throw fsError(err, 'Replacing the master key file', to);
  }
}

/** Deletes a key file if present, durably. */
export function removeKeyFile(path: string): void {
  try {
    rmSync(path, { force: true });
    fsyncDir(dirname(path));
  } catch (err) {
    throw fsError(err, 'Removing the key file', path);
  }
}
