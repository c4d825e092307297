// Bounds how many incarnations start at once: after a crash of the node a thousand services restart in
// parallel, and an unbounded burst would queue every isolate behind every other and starve the doors.

/** Runs async jobs with at most `limit` in flight, first come first served. */
export class StartLimiter {
  readonly #limit: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((r) => this.#queue.push(r));
    this.#active++;
    try {
      return await job();
    } finally {
      this.#active--;
      this.#queue.shift()?.();
    }
  }
}
