// The node's load signals for the load shedder, read on a timer so that no request pays for them: event-loop
// lag (perf_hooks.monitorEventLoopDelay) and the process's resident memory.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** One reading. */
export interface LoadSample {
  /** Mean delay of the event loop beyond the histogram's resolution over the last interval, in ms. */
  lagMs: number;
  rssBytes: number;
}

/** The histogram's timer period; a delay is what a turn took beyond it. */
const RESOLUTION_MS = 10;

/** Samples lag and RSS every `intervalMs` and hands each reading to `onSample`. */
export class LoadSignals {
  readonly #intervalMs: number;
  readonly #onSample: (s: LoadSample) => void;
  #histogram: IntervalHistogram | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastTickMs = 0;

  constructor(o: { intervalMs: number; onSample: (s: LoadSample) => void }) {
    this.#intervalMs = o.intervalMs;
    this.#onSample = o.onSample;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
    this.#lastTickMs = performance.now();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#histogram?.disable();
    this.#histogram = null;
  }

  #tick(): void {
    const h = this.#histogram;
    if (h === null) return;
    const now = performance.now();
    // A loop blocked for the whole interval records nothing; the lateness of this tick is then the lag.
    const late = now - this.#lastTickMs - this.#intervalMs;
    this.#lastTickMs = now;
    const lagMs = h.count > 0 ? Math.max(0, h.mean / 1e6 - RESOLUTION_MS, late) : Math.max(0, late);
    h.reset();
    this.#onSample({ lagMs, rssBytes: process.memoryUsage.rss() });
  }
}
