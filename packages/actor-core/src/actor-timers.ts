// An actor's timers (ctx.setTimer): volatile, bounded in number, and all cancelled when the incarnation
// crashes or the actor stops. Owned by Actor, which turns a fired timer into an info message.
import { SoloError, type Json } from '@solo/protocol';

// Node fires a setTimeout beyond 2^31-1 ms at once (with a warning): refuse such delays instead.
const MAX_TIMER_MS = 2_147_483_647;

/** The timers of one actor. */
export class ActorTimers {
  readonly #max: number;
  readonly #fire: (message: Json) => void;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #next = 0;

  /** `fire` receives the message of each timer that expires. */
  constructor(opts: { maxTimers: number; fire: (message: Json) => void }) {
    this.#max = opts.maxTimers;
    this.#fire = opts.fire;
  }

  get size(): number {
    return this.#timers.size;
  }

  /**
   * Schedules `message` after `ms` and returns the timer id.
   * @throws `invalid_request` when `ms` is not a number from 0 to 2^31-1; `limit_exceeded` when `maxTimers` are pending.
   */
  set(ms: number, message: Json, owner: string): string {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS) {
      throw new SoloError('invalid_request', `Timer delay must be a number of ms from 0 to ${MAX_TIMER_MS}, got ${String(ms)}.`, { details: { field: 'ms' } });
    }
    if (this.#timers.size >= this.#max) {
      throw new SoloError('limit_exceeded', `${owner} already has ${this.#max} pending timers. Cancel timers it no longer needs (ctx.cancelTimer) before setting more.`, {
        details: { timers: this.#timers.size, max: this.#max },
      });
    }
    this.#next += 1;
    const id = `timer-${this.#next}`;
    this.#timers.set(
      id,
      setTimeout(() => {
        this.#timers.delete(id);
        this.#fire(message);
      }, ms),
    );
    return id;
  }

  /** Cancels a pending timer; false when it already fired or never existed. */
  cancel(id: string): boolean {
    const t = this.#timers.get(id);
    if (t === undefined) return false;
    clearTimeout(t);
    this.#timers.delete(id);
    return true;
  }

  /** Cancels every pending timer. */
  clear(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
