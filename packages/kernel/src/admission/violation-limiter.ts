// Rate limit of `resource_violation` events: at most one per limit per service per interval, so a service that
// floods a limit cannot flood the event log. Pure: time is an input.
import type { ServiceLimits } from '@solo/protocol';

/** A limit a `resource_violation` event names. */
export type ViolatedLimit = keyof Pick<
  ServiceLimits,
  'memory_mb' | 'cpu_ms' | 'wall_ms' | 'mailbox_len' | 'max_message_bytes' | 'max_reply_bytes' | 'max_timers' | 'max_event_bytes' | 'max_events_per_second' | 'max_log_lines_per_second'
>;

/** One event per limit per interval. @default intervalMs 1000 */
export const VIOLATION_EVENT_INTERVAL_MS = 1000;

/** The per-limit rate limit of one service's violation events. */
export class ViolationLimiter {
  readonly #intervalMs: number;
  readonly #last = new Map<ViolatedLimit, { atMs: number; suppressed: number }>();

  constructor(intervalMs: number = VIOLATION_EVENT_INTERVAL_MS) {
    this.#intervalMs = intervalMs;
  }

  /**
   * Counts one violation of `limit` at `nowMs`. Returns how many were suppressed since the last event when an
   * event should be written now, or null when this one is suppressed.
   */
  take(limit: ViolatedLimit, nowMs: number): number | null {
    const last = this.#last.get(limit);
    if (last !== undefined && nowMs - last.atMs < this.#intervalMs) {
      last.suppressed += 1;
      return null;
    }
    const suppressed = last?.suppressed ?? 0;
    this.#last.set(limit, { atMs: nowMs, suppressed: 0 });
    return suppressed;
  }

  /** How long after `nowMs` the next event for `limit` may be written; 0 when it may be now. */
  waitMs(limit: ViolatedLimit, nowMs: number): number {
    const last = this.#last.get(limit);
    return last === undefined ? 0 : Math.max(0, last.atMs + this.#intervalMs - nowMs);
  }
}
