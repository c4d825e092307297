// An actor's timers (ctx.setTimer): volatile, bounded in number, and all cancelled when the incarnation
// crashes or the actor stops. Owned by Actor, which turns a fired timer into an info message.
import { MAX_TIMER_DELAY_MS, SoloError, type Json } from '@solo/protocol';

/**
 * Longest delay one setTimeout takes: Node fires a longer one at once (with a warning). A timer due later is
 * armed for this long, then again for what is left, until it is due.
 */
export const MAX_SET_TIMEOUT_MS = 2 ** 31 - 1;

/** Where timers are armed; time is an input so the arming of long timers can be tested. @default performance.now and setTimeout */
export interface TimerScheduler {
  /** Monotonic ms. */
  now(): number;
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const SYSTEM_SCHEDULER: TimerScheduler = {
  now: () => performance.now(),
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Fired timers whose message is in the actor's mailbox at once. The rest wait here, in firing order, until one is
 * handled: otherwise a handler slower than the timers it sets (a timer that sets two more at 0 ms, in a sandbox
 * host process where every message is a round trip) fills the mailbox without bound, since a fired timer no
 * longer counts as pending.
 */
const MAX_DELIVERING = 1;

/** A timer that fired and waits for its turn in the mailbox. */
interface DueTimer {
  id: string;
  message: Json;
}

/** The timers of one actor. */
export class ActorTimers {
  readonly #max: number;
  readonly #fire: (message: Json) => Promise<void>;
  readonly #scheduler: TimerScheduler;
  /** Pending timers: the handle of their current arming. */
  readonly #timers = new Map<string, unknown>();
  readonly #due: DueTimer[] = [];
  /** Fired timers whose message is in the mailbox (or in its handler): they count until it settles. */
  #delivering = 0;
  #next = 0;

  /**
   * `fire` receives the message of each timer that expires and settles once it was handled (or dropped); a
   * timer counts against `maxTimers` until then.
   */
  constructor(opts: { maxTimers: number; fire: (message: Json) => Promise<void>; scheduler?: TimerScheduler }) {
    this.#max = opts.maxTimers;
    this.#fire = opts.fire;
    this.#scheduler = opts.scheduler ?? SYSTEM_SCHEDULER;
  }

  /** Timers set and not yet handled: pending, fired and waiting for the mailbox, or in the mailbox. */
  get size(): number {
    return this.#timers.size + this.#due.length + this.#delivering;
  }

  /**
   * Schedules `message` after `ms` and returns the timer id.
   * @throws `invalid_request` when `ms` is not a number from 0 to MAX_TIMER_DELAY_MS (365 days); `limit_exceeded`
   * when `maxTimers` are set and not yet handled.
   */
  set(ms: number, message: Json, owner: string): string {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_DELAY_MS) {
      throw new SoloError('invalid_request', `Timer delay must be a number of ms from 0 to ${MAX_TIMER_DELAY_MS} (365 days), got ${String(ms)}.`, {
        details: { field: 'ms', max: MAX_TIMER_DELAY_MS },
      });
    }
    if (this.size >= this.#max) {
      throw new SoloError('limit_exceeded', `${owner} already has ${this.size} pending timers. Cancel timers it no longer needs (ctx.cancelTimer) before setting more.`, {
        details: { timers: this.size, max: this.#max },
      });
    }
    this.#next += 1;
    const id = `timer-${this.#next}`;
    this.#arm(id, this.#scheduler.now() + ms, message);
    return id;
  }

  /** Cancels a timer not yet in the mailbox; false when it is there already, was handled or never existed. */
  cancel(id: string): boolean {
    if (this.#timers.has(id)) {
      this.#scheduler.clear(this.#timers.get(id));
      this.#timers.delete(id);
      return true;
    }
    const i = this.#due.findIndex((d) => d.id === id);
    if (i < 0) return false;
    this.#due.splice(i, 1);
    return true;
  }

  /** Cancels every timer not yet in the mailbox (messages already there stay, like any queued message). */
  clear(): void {
    for (const t of this.#timers.values()) this.#scheduler.clear(t);
    this.#timers.clear();
    this.#due.length = 0;
  }

  /**
   * Arms timer `id` for `dueAtMs`. Only a timer due beyond one setTimeout is re-armed when that runs out; a
   * shorter one fires when its setTimeout does (checking the clock then could re-arm it for a fraction of a ms,
   * as setTimeout may run a little before the monotonic clock reaches its due time).
   */
  #arm(id: string, dueAtMs: number, message: Json): void {
    const leftMs = Math.max(0, dueAtMs - this.#scheduler.now());
    const run =
      leftMs > MAX_SET_TIMEOUT_MS
        ? () => this.#arm(id, dueAtMs, message)
        : () => {
            this.#timers.delete(id);
            this.#due.push({ id, message });
            this.#deliver();
          };
    this.#timers.set(id, this.#scheduler.set(run, Math.min(leftMs, MAX_SET_TIMEOUT_MS)));
  }

  #deliver(): void {
    while (this.#delivering < MAX_DELIVERING) {
      const next = this.#due.shift();
      if (next === undefined) return;
      this.#delivering += 1;
      const settled = (): void => {
        this.#delivering -= 1;
        this.#deliver();
      };
      this.#fire(next.message).then(settled, settled);
    }
  }
}
