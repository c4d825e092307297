// The load shedder's decisions, pure: given what is in flight on the node and what its handlers took from the
// event loop in this turn, per tenant and in total, is one more request of this tenant admitted?
//
// In-flight fairness (decideShed): under pressure (event-loop lag or memory over their ceilings) or at the in-flight ceiling, a
// tenant's fair share is the node's in-flight work divided by the tenants that have work in flight (counting
// the asking tenant). A tenant below its share is admitted; one at or above it is shed. A tenant with nothing
// in flight is always below its share, so a quiet tenant keeps getting through while a flooding one is refused,
// up to a hard ceiling of twice `maxInFlight` where everything is refused.

/** The facts one decision reads. */
export interface ShedInput {
  /** The asking tenant's calls and casts in flight. */
  tenantInFlight: number;
  totalInFlight: number;
  /** Tenants with at least one request in flight. */
  activeTenants: number;
  /** Event loop or memory over their ceiling. */
  pressure: boolean;
  maxInFlight: number;
}

/** The verdict: admitted, or shed with the fair share the tenant is at or above. */
export type ShedDecision = { shed: false } | { shed: true; fairShare: number };

const ADMIT: ShedDecision = { shed: false };

/** Decides one request. */
export function decideShed(i: ShedInput): ShedDecision {
  if (i.totalInFlight >= 2 * i.maxInFlight) return { shed: true, fairShare: 0 };
  if (!i.pressure && i.totalInFlight < i.maxInFlight) return ADMIT;
  const active = i.activeTenants + (i.tenantInFlight === 0 ? 1 : 0);
  const fairShare = i.totalInFlight / Math.max(1, active);
  return i.tenantInFlight < fairShare || i.tenantInFlight === 0 ? ADMIT : { shed: true, fairShare };
}

/** What handlers took from this event-loop turn. */
export interface TurnInput {
  /** The asking tenant's handler time in this turn, in ms. */
  tenantMs: number;
  totalMs: number;
  /** Tenants whose handlers ran in this turn. */
  activeTenants: number;
  budgetMs: number;
  /** Another tenant sent work recently: without one there is nobody to be fair to. */
  othersWaiting: boolean;
}

/**
 * Turn fairness: a handler that returns synchronously runs on the event loop's thread, so a burst of requests
 * answered in one turn stalls every other tenant's requests (and timers) until the turn ends, however few of
 * them are in flight at any instant. Once handlers have taken `budgetMs` of the current turn, a tenant whose
 * share of that time is at or above an equal split is refused until the next turn, while other tenants have
 * sent work recently; the others go on. A tenant alone on the node is left to the lag and in-flight rules.
 */
export function decideTurnShed(i: TurnInput): ShedDecision {
  if (i.totalMs < i.budgetMs || i.tenantMs === 0 || !i.othersWaiting) return ADMIT;
  const fairShare = i.totalMs / Math.max(1, i.activeTenants);
  return i.tenantMs >= fairShare ? { shed: true, fairShare } : ADMIT;
}

/**
 * How long a shed tenant should wait: longer the further the node is over (lag) and the further the tenant is
 * over its share, from `minMs` to 5 s.
 */
export function retryAfterMs(o: { lagMs: number; tenantInFlight: number; fairShare: number; minMs: number }): number {
  const base = Math.max(o.minMs, o.lagMs * 2);
  const over = o.fairShare > 0 ? Math.min(10, o.tenantInFlight / o.fairShare) : 10;
  return Math.min(5000, Math.round(base * Math.max(1, over)));
}
