// Every process the bench starts, by PID, so each one is ended at the end of its suite, on error, and on
// exit or Ctrl-C (run.ts wires the signals). Nothing is ever killed by name.
import { readFileSync } from 'node:fs';

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; a zombie has exited and only waits to be reaped.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Waits until `pid` is gone or `timeoutMs` passed; true when it is gone. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (isAlive(pid)) {
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** The PIDs the bench started and has not ended yet. */
export class ProcessRegistry {
  readonly #pids = new Map<number, string>();
  readonly #cleanups = new Set<() => void>();

  /** A synchronous cleanup (e.g. removing a temp dir) run at exit unless its owner ran it first. */
  addCleanup(fn: () => void): { run(): void } {
    this.#cleanups.add(fn);
    return {
      run: () => {
        if (this.#cleanups.delete(fn)) fn();
      },
    };
  }

  track(pid: number, label: string): void {
    this.#pids.set(pid, label);
  }

  untrack(pid: number): void {
    this.#pids.delete(pid);
  }

  tracked(): { pid: number; label: string }[] {
    return [...this.#pids].map(([pid, label]) => ({ pid, label }));
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(pid: number, opts: { graceMs?: number } = {}): Promise<void> {
    if (isAlive(pid)) {
      signal(pid, 'SIGTERM');
      if (!(await waitGone(pid, opts.graceMs ?? 15_000))) {
        signal(pid, 'SIGKILL');
        await waitGone(pid, 5000);
      }
    }
    this.#pids.delete(pid);
  }

  /** Stops every tracked process, newest first (a node before the servers it may use). */
  async stopAll(): Promise<void> {
    for (const { pid } of this.tracked().reverse()) await this.stop(pid);
  }

  /** Last resort on process exit: SIGKILL whatever is still tracked, synchronously. */
  killAllSync(): void {
    for (const pid of this.#pids.keys()) signal(pid, 'SIGKILL');
    this.#pids.clear();
    for (const fn of this.#cleanups) fn();
    this.#cleanups.clear();
  }
}
