// The node's load shedder: counts calls and casts in flight per tenant (admit → release), adds up what handlers
// took from the current event-loop turn per tenant, keeps the pressure flag from the load signals, and refuses
// new work with `overloaded` fairly across tenants (fair-share.ts). Each tenant's figures live in one
// TenantLoad that its services keep a reference to, so the hot path does no map lookup; the signals are read
// on a timer.
import { SoloError } from '@solo/protocol';
import type { ResolvedAdmissionOptions } from './admission-options.ts';
import { decideShed, decideTurnShed, retryAfterMs } from './fair-share.ts';
import type { LoadSample } from './load-signals.ts';

/** A break between two handlers longer than this ends a turn (see {@link LoadShedder.noteBusy}). */
const TURN_GAP_MS = 1;

/** Why the node sheds, for `details.reason`. */
export type OverloadReason = 'event_loop_lag' | 'event_loop_busy' | 'memory' | 'in_flight';

/** The options a {@link LoadShedder} reads. */
export type LoadShedderOptions = Pick<ResolvedAdmissionOptions, 'maxInFlight' | 'maxEventLoopLagMs' | 'maxRssBytes' | 'sampleIntervalMs' | 'turnBudgetMs'>;

/** One tenant's load on the node. Owned by the shedder; callers only hold it and hand it back. */
export interface TenantLoad {
  readonly tenant: string;
  /** Calls and casts admitted and not released. */
  inFlight: number;
  /** Handler time in turn number `turn`. */
  turnMs: number;
  turn: number;
  /** The last two sampling intervals in which the tenant asked for work. */
  seen: number;
  seenBefore: number;
}

/** In-flight accounting and the shedding decisions of one node. */
export class LoadShedder {
  readonly #o: LoadShedderOptions;
  readonly #monotonicMs: () => number;
  readonly #loads = new Map<string, TenantLoad>();
  #total = 0;
  /** Tenants with at least one request in flight. */
  #activeTenants = 0;
  #pressure: OverloadReason | null = null;
  #last: LoadSample = { lagMs: 0, rssBytes: 0 };
  /**
   * The current turn: a run of handlers with no break longer than TURN_GAP_MS between them (a break is the
   * loop getting to other work: timers, I/O, other requests). Its handler time and the tenants that had some.
   */
  #turn = 0;
  #turnMs = 0;
  #turnTenants = 0;
  #turnLastEndMs = Number.NEGATIVE_INFINITY;
  /** Sampling intervals (one per load reading), and how many tenants asked for work in this one and the last. */
  #interval = 1;
  #seenNow = 0;
  #seenLast = 0;

  /** `monotonicMs` times the turns. @default performance.now */
  constructor(o: LoadShedderOptions, monotonicMs: () => number = () => performance.now()) {
    this.#o = o;
    this.#monotonicMs = monotonicMs;
  }

  /** Calls and casts in flight on the node. */
  get inFlight(): number {
    return this.#total;
  }

  /** Why the node is under pressure now (from the last load reading), or null. */
  get pressure(): OverloadReason | null {
    return this.#pressure;
  }

  /** The last load reading. */
  get lastSample(): LoadSample {
    return this.#last;
  }

  /** The load of `tenant`, created on first use; keep it and pass it to admit, release and noteBusy. */
  loadOf(tenant: string): TenantLoad {
    let load = this.#loads.get(tenant);
    if (load === undefined) {
      load = { tenant, inFlight: 0, turnMs: 0, turn: 0, seen: 0, seenBefore: 0 };
      this.#loads.set(tenant, load);
    }
    return load;
  }

  /** Calls and casts of `tenant` in flight. */
  inFlightOf(tenant: string): number {
    return this.#loads.get(tenant)?.inFlight ?? 0;
  }

  /**
   * Takes a slot for one request of the tenant; pair every successful admit with one {@link release}. A
   * `nested` request (a `ctx.call` made by a handler that is itself admitted work) is counted but never shed:
   * refusing it would only fail the admitted request that waits on it, after the node has spent work on it.
   * @throws `overloaded` with `details.retry_after_ms` when the node sheds and the tenant is at or over its fair share.
   */
  admit(load: TenantLoad, nested = false): void {
    if (load.seen !== this.#interval) {
      load.seenBefore = load.seen;
      load.seen = this.#interval;
      this.#seenNow += 1;
    }
    if (!nested && this.#o.turnBudgetMs > 0 && this.#turnMs >= this.#o.turnBudgetMs && this.#monotonicMs() - this.#turnLastEndMs <= TURN_GAP_MS) {
      const tenantMs = load.turn === this.#turn ? load.turnMs : 0;
      const d = decideTurnShed({ tenantMs, totalMs: this.#turnMs, activeTenants: this.#turnTenants, budgetMs: this.#o.turnBudgetMs, othersWaiting: this.#othersSeen(load) });
      if (d.shed) throw this.#busy(load.tenant, tenantMs, d.fairShare);
    }
    if (!nested && (this.#pressure !== null || this.#total >= this.#o.maxInFlight)) {
      const d = decideShed({
        tenantInFlight: load.inFlight,
        totalInFlight: this.#total,
        activeTenants: this.#activeTenants,
        pressure: this.#pressure !== null,
        maxInFlight: this.#o.maxInFlight,
      });
      if (d.shed) throw this.#overloaded(load.tenant, load.inFlight, d.fairShare);
    }
    if (load.inFlight === 0) this.#activeTenants += 1;
    load.inFlight += 1;
    this.#total += 1;
  }

  /** Gives back a slot taken by {@link admit}. */
  release(load: TenantLoad): void {
    if (load.inFlight === 0) return;
    load.inFlight -= 1;
    if (load.inFlight === 0) this.#activeTenants -= 1;
    this.#total -= 1;
  }

  /** A handler of the tenant held the event loop for `ms` (its synchronous part), ending at `endMs` (monotonic). */
  noteBusy(load: TenantLoad, ms: number, endMs: number = this.#monotonicMs()): void {
    if (endMs - ms - this.#turnLastEndMs > TURN_GAP_MS) {
      this.#turn += 1;
      this.#turnMs = 0;
      this.#turnTenants = 0;
    }
    this.#turnLastEndMs = endMs;
    this.#turnMs += ms;
    if (load.turn !== this.#turn) {
      load.turn = this.#turn;
      load.turnMs = 0;
      this.#turnTenants += 1;
    }
    load.turnMs += ms;
  }

  /** Takes a load reading: pressure starts over a ceiling and ends once lag is under half of its ceiling. */
  observe(s: LoadSample): void {
    this.#last = s;
    this.#interval += 1;
    this.#seenLast = this.#seenNow;
    this.#seenNow = 0;
    const memory = this.#o.maxRssBytes > 0 && s.rssBytes > this.#o.maxRssBytes;
    if (memory) this.#pressure = 'memory';
    else if (s.lagMs > this.#o.maxEventLoopLagMs) this.#pressure = 'event_loop_lag';
    // Hysteresis: a lag hovering around the ceiling would otherwise flip shedding on and off every reading.
    else if (this.#pressure !== 'event_loop_lag' || s.lagMs < this.#o.maxEventLoopLagMs / 2) this.#pressure = null;
  }

  /** Another tenant asked for work in this sampling interval or the last, or has work in flight. */
  #othersSeen(load: TenantLoad): boolean {
    const selfNow = load.seen === this.#interval ? 1 : 0;
    const selfLast = load.seen === this.#interval - 1 || load.seenBefore === this.#interval - 1 ? 1 : 0;
    return this.#seenNow > selfNow || this.#seenLast > selfLast || this.#activeTenants > (load.inFlight > 0 ? 1 : 0);
  }

  #overloaded(tenant: string, mine: number, fairShare: number): SoloError {
    const reason: OverloadReason = this.#pressure ?? 'in_flight';
    const retry = retryAfterMs({ lagMs: this.#last.lagMs, tenantInFlight: mine, fairShare, minMs: 2 * this.#o.sampleIntervalMs });
    const why =
      reason === 'memory'
        ? `its memory is over ${Math.round(this.#o.maxRssBytes / 2 ** 20)} MiB`
        : reason === 'event_loop_lag'
          ? `its event loop lags ${Math.round(this.#last.lagMs)} ms`
          : `${this.#total} requests are in flight (ceiling ${this.#o.maxInFlight})`;
    return new SoloError(
      'overloaded',
      `The node is overloaded (${why}) and tenant '${tenant}' has ${mine} requests in flight, at or over its fair share of ${Math.floor(fairShare)}; the request was not started. Retry after ${retry} ms, and send fewer requests at once.`,
      { details: { retry_after_ms: retry, reason, tenant_in_flight: mine, fair_share: Math.floor(fairShare) } },
    );
  }

  #busy(tenant: string, tenantMs: number, fairShare: number): SoloError {
    // The turn ends within moments; a client that waits about as long as the turn has taken finds room.
    const retry = Math.min(1000, Math.max(50, Math.round(this.#turnMs)));
    return new SoloError(
      'overloaded',
      `The node is overloaded: its handlers took ${Math.round(this.#turnMs)} ms of the event loop without a break, ${Math.round(tenantMs)} ms of it for tenant '${tenant}', at or over its fair share; the request was not started. Retry after ${retry} ms, and send fewer requests at once or make the handlers cheaper.`,
      { details: { retry_after_ms: retry, reason: 'event_loop_busy', tenant_busy_ms: Math.round(tenantMs), fair_share_ms: Math.round(fairShare) } },
    );
  }
}
