// The admission state of one service, kept on its kernel entry: its circuit breaker, the casts accepted and not
// yet delivered to its actor (part of its mailbox length), the rate limit of its violation events, and the
// buckets and counts of what it writes (`ctx.emit` events, `ctx.log` lines).
import { SERVICE_LIMITS, type ResolvedServiceLimits } from '@solo/protocol';
import { withLimitDefaults } from '../resolve-limits.ts';
import type { ServiceEntry } from '../service-entry.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { TenantLoad } from './load-shedder.ts';
import { TokenBucket } from './token-bucket.ts';
import { ViolationLimiter } from './violation-limiter.ts';

/** Ceiling of a doubled breaker cool-down (unless the service's own cool-down is longer). */
export const MAX_CIRCUIT_COOLDOWN_MS = 60_000;

/** Per-service admission state. */
export class ServiceAdmission {
  readonly #limits: () => ResolvedServiceLimits;
  #breaker: CircuitBreaker | null = null;
  readonly violations = new ViolationLimiter();
  /**
   * Casts this node accepted for the service and has not yet delivered to its actor: reserved before the
   * publish (so a delivery racing the publish acknowledgement never finds it at zero) and taken back on the
   * delivery or when the publish fails.
   */
  castsInTransit = 0;
  /** The tenant's load on the node's shedder, fetched once. */
  load: TenantLoad | null = null;
  /** `max_events_per_second` and `max_log_lines_per_second`; the rate is read from the limits at each take. */
  readonly eventBucket = new TokenBucket();
  readonly logBucket = new TokenBucket();
  eventsEmitted = 0;
  eventsRefused = 0;
  logLinesDropped = 0;
  logLinesTruncated = 0;
  /** Log lines dropped since the last `resource_violation` that reported drops, and the timer that will report them. */
  logDropsUnreported = 0;
  logReport: ReturnType<typeof setTimeout> | null = null;

  /** `limits` is read when the breaker is first needed: a deploy's draft entry gets its limits only at the commit. */
  constructor(limits: () => ResolvedServiceLimits) {
    this.#limits = limits;
  }

  get breaker(): CircuitBreaker {
    if (this.#breaker === null) {
      const limits = this.#limits();
      this.#breaker = new CircuitBreaker({
        crashes: limits.circuit_crashes,
        windowMs: limits.circuit_window_ms,
        cooldownMs: limits.circuit_cooldown_ms,
        maxCooldownMs: MAX_CIRCUIT_COOLDOWN_MS,
        // A probe's handler may legitimately take up to the wall limit; after that (plus slack) another may probe.
        probeTimeoutMs: limits.wall_ms + 1000,
      });
    }
    return this.#breaker;
  }
}

/**
 * The limits of an entry. A deploy's draft entry (init runs before its record exists) has none yet: defaults
 * apply to what its init does.
 */
export function limitsOf(e: ServiceEntry): ResolvedServiceLimits {
  const record = e.record as ServiceEntry['record'] | undefined;
  return record?.limits ?? DEFAULT_LIMITS;
}

const DEFAULT_LIMITS: ResolvedServiceLimits = withLimitDefaults(undefined);

/** The admission state of an entry, created on first use. */
export function admissionOf(e: ServiceEntry): ServiceAdmission {
  return (e.admission ??= new ServiceAdmission(() => limitsOf(e)));
}

/** The timers an actor cell may hold itself: the kernel enforces the service's `max_timers` before asking it. */
export const ACTOR_TIMER_CEILING = SERVICE_LIMITS.max_timers.max;
