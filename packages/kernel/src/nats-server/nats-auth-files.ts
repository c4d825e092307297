// Owner-only files written atomically (temp file, fsync, rename), so a crash never leaves a half-written
// auth-users.json or auth.conf behind for nats-server or the next start to read.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `text` to `path` with mode 0600, atomically. */
export function writePrivateFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  // A temp file left by a crash is replaced, never reused: its mode could be wider than 0600.
  rmSync(tmp, { force: true });
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  // The rename is durable only once the directory entry is.
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
