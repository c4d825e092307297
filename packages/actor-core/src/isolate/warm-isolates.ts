// A few isolates created ahead of need, off the request path: creating an isolate (V8 heap set-up) is the
// largest single cost of starting an actor, so a deploy takes a warm one and a refill runs afterwards.
import ivm from 'isolated-vm';

/** Pre-created isolates for one memory limit (a limit is fixed when an isolate is created). */
export class WarmIsolates {
  readonly #memoryMb: number;
  readonly #target: number;
  readonly #options: Omit<ivm.IsolateOptions, 'memoryLimit'>;
  readonly #ready: ivm.Isolate[] = [];
  #refillScheduled = false;
  #closed = false;

  constructor(memoryMb: number, target: number, options: Omit<ivm.IsolateOptions, 'memoryLimit'>) {
    this.#memoryMb = memoryMb;
    this.#target = target;
    this.#options = options;
  }

  get memoryMb(): number {
    return this.#memoryMb;
  }

  /** A fresh isolate: a warm one when there is one, else created now. Schedules a refill either way. */
  take(): ivm.Isolate {
    const warm = this.#ready.pop();
    this.#scheduleRefill();
    return warm ?? new ivm.Isolate({ ...this.#options, memoryLimit: this.#memoryMb });
  }

  /** Disposes the warm isolates; no refill after this. */
  close(): void {
    this.#closed = true;
    for (const i of this.#ready.splice(0)) i.dispose();
  }

  #scheduleRefill(): void {
    if (this.#refillScheduled || this.#closed) return;
    this.#refillScheduled = true;
    // One per macrotask, so a burst of deploys or a recovery is not held up by refills queued in front of it.
    const step = (): void => {
      if (this.#closed || this.#ready.length >= this.#target) {
        this.#refillScheduled = false;
        return;
      }
      this.#ready.push(new ivm.Isolate({ ...this.#options, memoryLimit: this.#memoryMb }));
      setImmediate(step).unref();
    };
    setImmediate(step).unref();
  }
}
