// The per-service lock of the kernel: mutating operations on one service id (deploy, kill, swap, a
// supervisor's stop, …) run one at a time, in arrival order.
/** A chain of operations per service key; operations on different keys run concurrently. */
export class ServiceLocks {
  /** Per-service chain of mutating operations (deploy, kill, …): one at a time per service id. */
  readonly #locks = new Map<string, Promise<unknown>>();

  /** Runs `fn` once every operation queued earlier under `key` has settled. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}
