// Background heap sampling for `list`: refreshes the last-read heap size of the node's services, a slice per
// tick, so no request pays for reading them all. Started and stopped by the kernel.
import type { ServiceEntry } from './service-entry.ts';

/** Every this often the kernel reads the heap size of a slice of its isolates (HEAP_SAMPLE_SLICE of them). */
const HEAP_SAMPLE_INTERVAL_MS = 1000;
const HEAP_SAMPLE_SLICE = 100;

/** Walks the services round-robin, HEAP_SAMPLE_SLICE per tick, storing each live incarnation's heap size. */
export class HeapSampler {
  readonly #entries: () => Iterable<ServiceEntry>;
  #timer: NodeJS.Timeout | null = null;
  #cursor = 0;

  constructor(deps: { entries: () => Iterable<ServiceEntry> }) {
    this.#entries = deps.entries;
  }

  start(): void {
    this.#timer = setInterval(() => this.#sample(), HEAP_SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  #sample(): void {
    const entries = [...this.#entries()];
    if (entries.length === 0) return;
    for (let i = 0; i < Math.min(HEAP_SAMPLE_SLICE, entries.length); i++) {
      const e = entries[(this.#cursor + i) % entries.length] as ServiceEntry;
      const inc = e.actor.incarnation;
      if (inc && !inc.disposed) e.lastHeapBytes = inc.heapBytes();
    }
    this.#cursor = (this.#cursor + HEAP_SAMPLE_SLICE) % entries.length;
  }
}
