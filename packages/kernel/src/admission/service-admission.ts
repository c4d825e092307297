// The admission state of one service, kept on its kernel entry: its circuit breaker, the casts accepted and not
// yet delivered to its actor (part of its mailbox length), and the rate limit of its violation events.
import { SERVICE_LIMITS, type ResolvedServiceLimits } from '@solo/protocol';
import { withLimitDefaults } from '../resolve-limits.ts';
import type { ServiceEntry } from '../service-entry.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { TenantLoad } from './load-shedder.ts';
import { ViolationLimiter } from './violation-limiter.ts';

/** Ceiling of a doubled breaker cool-down (unless the service's own cool-down is longer). */
export const MAX_CIRCUIT_COOLDOWN_MS = 60_000;

/** Per-service admission state. */
export class ServiceAdmission {
  readonly breaker: CircuitBreaker;
  readonly violations = new ViolationLimiter();
  /**
   * Casts this node accepted for the service and has not yet delivered to its actor: reserved before the
   * publish (so a delivery racing the publish acknowledgement never finds it at zero) and taken back on the
   * delivery or when the publish fails.
   */
  castsInTransit = 0;
  /** The tenant's load on the node's shedder, fetched once. */
  load: TenantLoad | null = null;

  constructor(limits: ResolvedServiceLimits) {
    this.breaker = new CircuitBreaker({
      crashes: limits.circuit_crashes,
      windowMs: limits.circuit_window_ms,
      cooldownMs: limits.circuit_cooldown_ms,
      maxCooldownMs: MAX_CIRCUIT_COOLDOWN_MS,
      // A probe's handler may legitimately take up to the wall limit; after that (plus slack) another may probe.
      probeTimeoutMs: limits.wall_ms + 1000,
    });
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
  return (e.admission ??= new ServiceAdmission(limitsOf(e)));
}

/** The timers an actor cell may hold itself: the kernel enforces the service's `max_timers` before asking it. */
export const ACTOR_TIMER_CEILING = SERVICE_LIMITS.max_timers.max;
