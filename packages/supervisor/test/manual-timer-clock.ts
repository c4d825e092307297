// A test clock whose timers fire only when the test advances it; built on testkit's ManualClock.
import { ManualClock } from '@solo/testkit';

interface Timer {
  id: number;
  dueMs: number;
  fn: () => void;
}

/** Implements the supervisor tree's clock; `advance` fires due timers in due order. */
export class ManualTimerClock {
  #clock: ManualClock;
  #timers = new Map<number, Timer>();
  #nextId = 1;

  constructor(startMs = 1_000_000) {
    this.#clock = new ManualClock(startMs);
  }

  now = (): number => this.#clock.now();

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#timers.set(id, { id, dueMs: this.#clock.now() + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing each timer that falls due, earliest first (ties in set order). */
  advance(ms: number): void {
    const target = this.#clock.now() + ms;
    for (;;) {
      const next = [...this.#timers.values()]
        .filter((t) => t.dueMs <= target)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!next) break;
      this.#timers.delete(next.id);
      this.#clock.set(next.dueMs);
      next.fn();
    }
    this.#clock.set(target);
  }
}
