// Limits on what a service writes through `ctx`: the size and rate of its `ctx.emit` events (refused with
// `limit_exceeded` inside the handler) and the rate and size of its `ctx.log` lines (dropped or cut, never
// thrown: a log call may arrive asynchronously from a sandbox host process). The kernel asks it before it
// appends an event or a log line; admission control reports the counts in `status`.
import { MAX_LOG_LINE_BYTES, SoloError, type Json, type ServiceUsage } from '@solo/protocol';
import type { ServiceEntry } from '../service-entry.ts';
import { jsonBytesOver } from './json-size.ts';
import { capLogLine } from './log-line-cap.ts';
import { admissionOf, limitsOf, type ServiceAdmission } from './service-admission.ts';
import type { ViolatedLimit } from './violation-limiter.ts';

/** Longest `ctx.emit` type, in characters. */
export const MAX_EVENT_TYPE_CHARS = 128;

/** Writes a `resource_violation` of `limit` with `data` unless one was written within the interval; true when written. */
export type RecordViolation = (e: ServiceEntry, a: ServiceAdmission, limit: ViolatedLimit, data: Record<string, unknown>) => boolean;

/** What output limits need from admission control. */
export interface OutputLimitsDeps {
  now: () => number;
  violation: RecordViolation;
}

/** The usage fields of `status` about events and log lines. */
export type OutputUsage = Pick<
  ServiceUsage,
  | 'events_emitted'
  | 'events_refused'
  | 'event_budget_left'
  | 'events_per_second_limit'
  | 'log_lines_dropped'
  | 'log_lines_truncated'
  | 'log_budget_left'
  | 'log_lines_per_second_limit'
>;

/** The node's limits on service output. */
export class OutputLimits {
  readonly #d: OutputLimitsDeps;
  /** Services with a drop report scheduled, so stop() can cancel the timers. */
  readonly #reporting = new Set<ServiceAdmission>();

  constructor(deps: OutputLimitsDeps) {
    this.#d = deps;
  }

  /**
   * `ctx.emit(type, payload)` of `e` is about to append an event; counts it when admitted.
   * @throws `invalid_request` when `type` is not a string of 1 to 128 characters; `limit_exceeded` when the type
   * and payload as JSON are over `max_event_bytes` (`details.value`), or the service is over
   * `max_events_per_second` (`details.retry_after_ms`). Nothing is written then.
   */
  checkEmit(e: ServiceEntry, type: unknown, payload: Json | undefined): void {
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_EVENT_TYPE_CHARS) {
      const got = typeof type === 'string' ? `a string of ${type.length} characters` : typeof type;
      throw new SoloError('invalid_request', `ctx.emit needs an event type of 1 to ${MAX_EVENT_TYPE_CHARS} characters; got ${got}. Pass a short name such as 'order_placed'.`, {
        details: { field: 'type', max_chars: MAX_EVENT_TYPE_CHARS },
      });
    }
    const limits = limitsOf(e);
    const a = admissionOf(e);
    const registered = hasRecord(e);
    const over = jsonBytesOver({ type, payload: payload ?? null }, limits.max_event_bytes);
    if (over !== null) {
      a.eventsRefused += 1;
      if (registered) this.#d.violation(e, a, 'max_event_bytes', { limit_value: limits.max_event_bytes, value: over });
      throw new SoloError(
        'limit_exceeded',
        `ctx.emit('${type}') of service '${e.service}' (tenant '${e.tenant}') is ${over} bytes as JSON; its limit is ${limits.max_event_bytes} (limits.max_event_bytes). The event was not written: emit less (keep large data elsewhere and emit a key), or redeploy with a larger limits.max_event_bytes.`,
        { details: { limit: 'max_event_bytes', value: over, limit_value: limits.max_event_bytes } },
      );
    }
    const rate = limits.max_events_per_second;
    const retryAfterMs = a.eventBucket.take(this.#d.now(), rate);
    if (retryAfterMs > 0) {
      a.eventsRefused += 1;
      if (registered) this.#d.violation(e, a, 'max_events_per_second', { limit_value: rate });
      throw new SoloError(
        'limit_exceeded',
        `Service '${e.service}' of tenant '${e.tenant}' emits events faster than its limit of ${rate} per second (limits.max_events_per_second); ctx.emit('${type}') was not written. Retry after ${retryAfterMs} ms, emit fewer events (batch them into one), or redeploy with a larger limits.max_events_per_second.`,
        { details: { limit: 'max_events_per_second', limit_value: rate, retry_after_ms: retryAfterMs } },
      );
    }
    a.eventsEmitted += 1;
  }

  /**
   * `ctx.log` of `e` (a line its log level keeps): the line to write, cut to MAX_LOG_LINE_BYTES when longer, or
   * null when the service is over `max_log_lines_per_second` and the line is dropped. Never throws.
   */
  admitLog(e: ServiceEntry, message: string, data: Json | undefined): { message: string; data: Json | undefined } | null {
    const a = admissionOf(e);
    const rate = limitsOf(e).max_log_lines_per_second;
    const now = this.#d.now();
    if (a.logBucket.take(now, rate) > 0) {
      a.logLinesDropped += 1;
      if (hasRecord(e)) this.#reportDrop(e, a, now);
      return null;
    }
    const line = capLogLine(message, data, MAX_LOG_LINE_BYTES);
    if (line.truncated) a.logLinesTruncated += 1;
    return line;
  }

  /** The usage fields of `e` at `nowMs`. */
  usageOf(e: ServiceEntry, nowMs: number): OutputUsage {
    const limits = limitsOf(e);
    const a = admissionOf(e);
    return {
      events_emitted: a.eventsEmitted,
      events_refused: a.eventsRefused,
      event_budget_left: a.eventBucket.available(nowMs, limits.max_events_per_second),
      events_per_second_limit: limits.max_events_per_second,
      log_lines_dropped: a.logLinesDropped,
      log_lines_truncated: a.logLinesTruncated,
      log_budget_left: a.logBucket.available(nowMs, limits.max_log_lines_per_second),
      log_lines_per_second_limit: limits.max_log_lines_per_second,
    };
  }

  /** Cancels the scheduled drop reports (the kernel is stopping). */
  stop(): void {
    for (const a of this.#reporting) {
      if (a.logReport !== null) clearTimeout(a.logReport);
      a.logReport = null;
    }
    this.#reporting.clear();
  }

  /**
   * One dropped line. The first drop after a quiet second is reported at once; later ones are added up and
   * reported by one event when the interval allows it (a timer), so every drop is counted in some event even
   * when the flood stops before the next drop.
   */
  #reportDrop(e: ServiceEntry, a: ServiceAdmission, nowMs: number): void {
    a.logDropsUnreported += 1;
    if (a.logReport === null) this.#reportWhenAllowed(e, a, nowMs);
  }

  #reportWhenAllowed(e: ServiceEntry, a: ServiceAdmission, nowMs: number): void {
    const waitMs = a.violations.waitMs('max_log_lines_per_second', nowMs);
    if (waitMs === 0) {
      const dropped = a.logDropsUnreported;
      if (this.#d.violation(e, a, 'max_log_lines_per_second', { limit_value: limitsOf(e).max_log_lines_per_second, dropped })) a.logDropsUnreported = 0;
      return;
    }
    a.logReport = setTimeout(() => {
      a.logReport = null;
      this.#reporting.delete(a);
      this.#reportWhenAllowed(e, a, this.#d.now());
    }, waitMs);
    a.logReport.unref();
    this.#reporting.add(a);
  }
}

/** A deploy's draft entry (init before the commit point) has no record yet: no event for a service that may never exist. */
function hasRecord(e: ServiceEntry): boolean {
  return (e.record as ServiceEntry['record'] | undefined) !== undefined;
}
