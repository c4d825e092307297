// One node per data dir: an exclusive lock file holding the owner's PID. A lock left by a dead process
// (kill -9) is taken over; a live owner makes the second `solo up` refuse instead of corrupting state.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SoloError } from '@solo/protocol';

/** A held data-dir lock. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>/solo.lock`.
 * @throws `already_exists` when a live process holds it.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'solo.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        path,
        release: () => {
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SoloError('internal', `Cannot create the lock file ${path}: ${(err as Error).message}`, { cause: err });
      }
      let owner = NaN;
      try {
        owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      } catch {
        // Vanished between open and read: retry.
      }
      if (Number.isInteger(owner) && owner !== process.pid && pidAlive(owner)) {
        throw new SoloError(
          'already_exists',
          `Another Solo node (pid ${owner}) is running on data dir '${dataDir}'. Stop it first (\`kill ${owner}\`) or pass another \`--data-dir\`.`,
          { details: { pid: owner, data_dir: dataDir } },
        );
      }
      // Stale lock from a process that died without cleaning up.
      rmSync(path, { force: true });
    }
  }
  throw new SoloError('internal', `Could not take the lock ${path} after 3 attempts.`);
}
