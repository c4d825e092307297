// What can be taken away from a sandbox host process before it runs a line of service code, and whether this
// machine allows it: an empty network namespace (`unshare --net`: no socket reaches NATS, a database or anything
// else; the host talks to the kernel only over the descriptors it inherits), and an unprivileged user (`setpriv
// --reuid`: a node running as root does not hand root to code that escaped its isolate). Probed once per process.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** A user and group a host process runs as. */
export interface SandboxUser {
  uid: number;
  gid: number;
}

/** The conventional unprivileged user (`nobody`/`nogroup` on Debian). */
export const NOBODY: SandboxUser = { uid: 65534, gid: 65534 };

/** The absolute path of `name` on PATH, or null. */
export function findProgram(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return null;
}

let netnsWorks: boolean | undefined;

/** Whether `unshare --net` can make a network namespace here (root, or unprivileged user namespaces). */
export function canUnshareNetwork(unshare: string): boolean {
  netnsWorks ??= spawnSync(unshare, ['--net', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return netnsWorks;
}

/**
 * The first of `paths` another user could not use, or null when every one can be: each directory on the way
 * must be searchable by others, each path itself readable (and executable when `exec`) by others. Checks the
 * permission bits for "others", which is what an unprivileged user that owns nothing here gets.
 */
export function firstUnreachable(paths: ReadonlyArray<{ path: string; exec?: boolean }>): string | null {
  for (const { path, exec } of paths) {
    let st;
    try {
      st = statSync(path);
    } catch {
      return path;
    }
    if ((st.mode & 0o004) === 0 || (exec === true && (st.mode & 0o001) === 0)) return path;
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      try {
        if ((statSync(dir).mode & 0o001) === 0) return dir;
      } catch {
        return dir;
      }
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}
