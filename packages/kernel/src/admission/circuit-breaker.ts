// The circuit breaker of one service: pure, time is an input. The kernel asks it before every call and cast
// and reports crashes and successful handlers to it.
//
// States and what moves between them:
//   closed    --(`crashes` crashes within `windowMs`)-->                 open
//   open      --(a request after the cool-down; it becomes the probe)--> half_open
//   half_open --(a handler completes without crashing)-->                closed (crash count and cool-down reset)
//   half_open --(a crash)-->                                             open (cool-down doubled, up to maxCooldownMs)
// While open every request is refused with the time left; while half-open only the probe goes through, and a
// probe that brings no verdict within `probeTimeoutMs` (or is abandoned) lets the next request probe instead.
// The breaker never restarts anything: the supervisor keeps restarting the service (or marks it failed) while
// the breaker keeps callers from piling onto an actor that keeps crashing.
import type { CircuitState } from '@solo/protocol';

/** Resolved settings of a {@link CircuitBreaker} (from the service's `circuit_*` limits). */
export interface CircuitBreakerOptions {
  /** Crashes within `windowMs` that open the breaker; 0 turns it off (it then stays closed). */
  crashes: number;
  windowMs: number;
  /** First cool-down of an open breaker. */
  cooldownMs: number;
  /** Ceiling of the doubled cool-down (never below `cooldownMs`). */
  maxCooldownMs: number;
  /** How long a probe may go without a verdict before the next request may probe. */
  probeTimeoutMs: number;
}

/** The answer to a request: admitted (`probe` when it is the half-open probe) or refused for `retryAfterMs`. */
export type CircuitDecision = { admit: true; probe: boolean } | { admit: false; retryAfterMs: number; state: CircuitState };

/** A change of state the owner records as an event. */
export type CircuitTransition =
  | { to: 'open'; crashes: number; windowMs: number; cooldownMs: number; reopened: boolean }
  | { to: 'closed'; openMs: number };

/** What `status` shows of a breaker. */
export interface CircuitSnapshot {
  state: CircuitState;
  crashes: number;
  openedAtMs: number | null;
  retryAfterMs: number | null;
  cooldownMs: number;
}

const ADMIT: CircuitDecision = { admit: true, probe: false };
const PROBE: CircuitDecision = { admit: true, probe: true };

/** One service's breaker. */
export class CircuitBreaker {
  readonly #o: CircuitBreakerOptions;
  #state: CircuitState = 'closed';
  /** Times of the crashes in the current window, oldest first (at most `crashes` of them). */
  #crashTimes: number[] = [];
  #openedAtMs: number | null = null;
  #cooldownMs: number;
  /** When the probe in flight was let through; null when none is. */
  #probeAtMs: number | null = null;

  constructor(o: CircuitBreakerOptions) {
    this.#o = o;
    this.#cooldownMs = o.cooldownMs;
  }

  /** The state as last moved (an open breaker whose cool-down ended moves to half_open on the next request). */
  get state(): CircuitState {
    return this.#state;
  }

  /** Whether a request at `nowMs` may go through. Taking the probe slot moves an open breaker to half_open. */
  admit(nowMs: number): CircuitDecision {
    if (this.#state === 'closed') return ADMIT;
    if (this.#state === 'open') {
      const left = (this.#openedAtMs ?? nowMs) + this.#cooldownMs - nowMs;
      if (left > 0) return { admit: false, retryAfterMs: Math.ceil(left), state: 'open' };
      this.#state = 'half_open';
      this.#probeAtMs = nowMs;
      return PROBE;
    }
    if (this.#probeAtMs !== null) {
      const waited = nowMs - this.#probeAtMs;
      if (waited < this.#o.probeTimeoutMs) {
        return { admit: false, retryAfterMs: Math.max(1, Math.ceil(Math.min(this.#cooldownMs, this.#o.probeTimeoutMs - waited))), state: 'half_open' };
      }
    }
    this.#probeAtMs = nowMs;
    return PROBE;
  }

  /** A crash of the service (any incarnation, any message or timer). Returns the transition it caused. */
  recordCrash(nowMs: number): CircuitTransition | null {
    if (this.#o.crashes === 0) return null;
    if (this.#state === 'half_open') {
      this.#cooldownMs = Math.min(this.#cooldownMs * 2, Math.max(this.#o.maxCooldownMs, this.#o.cooldownMs));
      return this.#open(nowMs, true);
    }
    if (this.#state === 'open') return null; // messages queued before it opened may still crash it
    const from = nowMs - this.#o.windowMs;
    this.#crashTimes = this.#crashTimes.filter((t) => t > from);
    this.#crashTimes.push(nowMs);
    if (this.#crashTimes.length < this.#o.crashes) return null;
    return this.#open(nowMs, false);
  }

  /**
   * A handler completed without crashing. Closes a half-open breaker; an open one stays open (a message queued
   * before it opened says little about what made callers' messages crash it) until its probe succeeds.
   */
  recordSuccess(nowMs: number): CircuitTransition | null {
    if (this.#state !== 'half_open') return null;
    const openMs = this.#openedAtMs === null ? 0 : nowMs - this.#openedAtMs;
    this.reset();
    return { to: 'closed', openMs };
  }

  /** The probe ended without a verdict (refused elsewhere, timed out): the next request may probe. */
  abandonProbe(): void {
    if (this.#state === 'half_open') this.#probeAtMs = null;
  }

  /** Back to closed with no crash counted (new code: replace, rollback). */
  reset(): void {
    this.#state = 'closed';
    this.#crashTimes = [];
    this.#openedAtMs = null;
    this.#cooldownMs = this.#o.cooldownMs;
    this.#probeAtMs = null;
  }

  snapshot(nowMs: number): CircuitSnapshot {
    const from = nowMs - this.#o.windowMs;
    let crashes = 0;
    for (const t of this.#crashTimes) if (t > from) crashes++;
    let retryAfterMs: number | null = null;
    if (this.#state === 'open') retryAfterMs = Math.max(0, Math.ceil((this.#openedAtMs ?? nowMs) + this.#cooldownMs - nowMs));
    else if (this.#state === 'half_open') retryAfterMs = 0;
    return { state: this.#state, crashes, openedAtMs: this.#openedAtMs, retryAfterMs, cooldownMs: this.#cooldownMs };
  }

  #open(nowMs: number, reopened: boolean): CircuitTransition {
    const crashes = this.#crashTimes.length;
    this.#state = 'open';
    this.#openedAtMs = nowMs;
    this.#probeAtMs = null;
    return { to: 'open', crashes, windowMs: this.#o.windowMs, cooldownMs: this.#cooldownMs, reopened };
  }
}
