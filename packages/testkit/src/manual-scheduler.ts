// A timer scheduler a test runs by hand, on a ManualClock: for code that takes its setTimeout as an input
// (actor timers, durable reminders). It records each arming; `runNext` moves the clock to the earliest due one
// and runs it.
import { ManualClock } from './manual-clock.ts';

/** One arming: what runs, after how long, and when (clock time). */
export interface ManualArming {
  run: () => void;
  ms: number;
  atMs: number;
  cleared: boolean;
}

/** A scheduler (`now`, `set`, `clear`) driven by hand. */
export class ManualScheduler {
  readonly armed: ManualArming[] = [];
  constructor(readonly clock: ManualClock = new ManualClock(0)) {}

  now(): number {
    return this.clock.now();
  }

  set(run: () => void, ms: number): unknown {
    const t: ManualArming = { run, ms, atMs: this.clock.now() + ms, cleared: false };
    this.armed.push(t);
    return t;
  }

  clear(handle: unknown): void {
    (handle as ManualArming).cleared = true;
  }

  /** Armings not run nor cleared, in the order they were made. */
  pending(): ManualArming[] {
    return this.armed.filter((t) => !t.cleared);
  }

  /** The delays of {@link pending}. */
  pendingDelays(): number[] {
    return this.pending().map((t) => t.ms);
  }

  /**
   * Advances the clock to the earliest pending arming (the first made, among equals) and runs it.
   * @throws Error when nothing is armed.
   */
  runNext(): void {
    const t = [...this.pending()].sort((a, b) => a.atMs - b.atMs)[0];
    if (t === undefined) throw new Error('nothing is armed');
    t.cleared = true;
    this.clock.set(t.atMs);
    t.run();
  }
}
