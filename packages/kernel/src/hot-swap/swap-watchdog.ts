// The watchdog of hot swaps: one open rollback window per service, holding what a rollback restores (the
// old code, its version and the state captured at the swap) until the window closes or a crash takes it.
import type { Json } from '@solo/protocol';
import type { ServiceEntry } from '../service-entry.ts';
import type { ServiceVersionRecord } from '../state/kernel-state.ts';

/** A swap whose rollback window is open. */
export interface OpenSwap {
  entry: ServiceEntry;
  /** The version that ran before the swap, restored by a rollback. */
  from: ServiceVersionRecord;
  fromCode: string;
  /** The state of the old version at the moment of the switch. */
  fromState: Json;
  /** The swapped-in version. */
  version: number;
}

/** Options of {@link SwapWatchdog}. */
export interface SwapWatchdogOptions {
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** The window of `swap` closed without a crash. */
  onElapsed(swap: OpenSwap): void;
}

/** Open rollback windows by service key. */
export class SwapWatchdog {
  readonly #o: SwapWatchdogOptions;
  readonly #open = new Map<string, { swap: OpenSwap; timer: unknown }>();

  constructor(o: SwapWatchdogOptions) {
    this.#o = o;
  }

  /** Opens the window of a swap for `windowMs`; a window still open for the service must be taken first. */
  open(swap: OpenSwap, windowMs: number): void {
    const key = swap.entry.key;
    const timer = this.#o.setTimer(() => {
      if (this.#open.get(key)?.swap !== swap) return;
      this.#open.delete(key);
      this.#o.onElapsed(swap);
    }, windowMs);
    this.#open.set(key, { swap, timer });
  }

  /** Takes (closes) the open window of a service, if any, cancelling its timer. */
  take(key: string): OpenSwap | undefined {
    const w = this.#open.get(key);
    if (!w) return undefined;
    this.#o.clearTimer(w.timer);
    this.#open.delete(key);
    return w.swap;
  }

  /** True while the service has an open window. */
  isOpen(key: string): boolean {
    return this.#open.has(key);
  }

  /** Cancels every window without a verdict (node stop). */
  stop(): void {
    for (const w of this.#open.values()) this.#o.clearTimer(w.timer);
    this.#open.clear();
  }
}
