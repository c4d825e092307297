// Admission control of one node: what the kernel's call, cast, ctx.setTimer, ctx.emit and ctx.log paths check
// before they start work (message size, mailbox length, timers, event and log output, circuit breaker, load
// shedding), what they report after it, and the `resource_violation` / `circuit_opened` / `circuit_closed` events
// that result. The kernel calls it; the runtime reports crashes and the mailbox dispatch reports delivered and
// handled casts to it.
import { SoloError, type EventInput, type Json, type CircuitStatus, type ServiceUsage, type WireError } from '@solo/protocol';
import type { ServiceEntry } from '../service-entry.ts';
import { resolveAdmissionOptions, type AdmissionOptions, type ResolvedAdmissionOptions } from './admission-options.ts';
import type { CircuitTransition } from './circuit-breaker.ts';
import { jsonBytesOver } from './json-size.ts';
import { LoadShedder, type TenantLoad } from './load-shedder.ts';
import { LoadSignals } from './load-signals.ts';
import { OutputLimits } from './output-limits.ts';
import { admissionOf, limitsOf, type ServiceAdmission } from './service-admission.ts';
import type { ViolatedLimit } from './violation-limiter.ts';

/** What admission control needs from the kernel. */
export interface AdmissionControlDeps {
  now: () => number;
  /** Appends an event; failures are the callee's to log. */
  append: (ev: Omit<EventInput, 'at'>) => void;
  /** Durable timers of a service armed in the kernel (the actor cell counts the volatile ones). */
  durableTimers: (e: ServiceEntry) => number;
  options?: AdmissionOptions;
}

/** Crash reasons carried in `details.limit` of `service_crashed` that name a limit. */
const SANDBOX_LIMITS = new Set<string>(['memory_mb', 'cpu_ms', 'wall_ms']);

/** The node's admission control. */
export class AdmissionControl {
  readonly #d: AdmissionControlDeps;
  readonly #o: ResolvedAdmissionOptions;
  readonly #shedder: LoadShedder;
  readonly #signals: LoadSignals;
  readonly #output: OutputLimits;

  /** @throws `invalid_request` on bad {@link AdmissionOptions}. */
  constructor(deps: AdmissionControlDeps) {
    this.#d = deps;
    this.#o = resolveAdmissionOptions(deps.options);
    this.#shedder = new LoadShedder(this.#o);
    this.#signals = new LoadSignals({ intervalMs: this.#o.sampleIntervalMs, onSample: (s) => this.#shedder.observe(s) });
    this.#output = new OutputLimits({ now: deps.now, violation: (e, a, limit, data) => this.#record(e, a, limit, data) });
  }

  /** False when per-request accounting is off (the benchmark switch). */
  get accounting(): boolean {
    return this.#o.accounting;
  }

  /** The node's load shedder (in-flight counts, pressure). */
  get shedder(): LoadShedder {
    return this.#shedder;
  }

  /** Starts reading the load signals. */
  start(): void {
    if (this.#o.accounting) this.#signals.start();
  }

  stop(): void {
    this.#signals.stop();
    this.#output.stop();
  }

  /**
   * Admits one call or cast to `e` carrying `message`, or throws. On success the request holds a slot of its
   * tenant until {@link leave}; the result says whether it is the circuit breaker's half-open probe.
   * @throws `limit_exceeded` (message over `max_message_bytes`, mailbox at `mailbox_len`); `overloaded` (the node
   * sheds and the tenant is at or over its fair share); `unavailable` with `details.reason: 'circuit_open'`.
   */
  enter(e: ServiceEntry, message: Json, kind: 'call' | 'cast', nested = false): boolean {
    if (!this.#o.accounting) return false;
    const limits = limitsOf(e);
    const a = admissionOf(e);
    const over = jsonBytesOver(message, limits.max_message_bytes);
    if (over !== null) {
      this.#violation(e, a, 'max_message_bytes', over, limits.max_message_bytes);
      throw new SoloError(
        'limit_exceeded',
        `The ${kind} message to service '${e.service}' of tenant '${e.tenant}' is ${over} bytes as JSON; its limit is ${limits.max_message_bytes} (limits.max_message_bytes). Send a smaller message (keep large data elsewhere and pass a key), or redeploy with a larger limits.max_message_bytes.`,
        { details: { limit: 'max_message_bytes', value: over, limit_value: limits.max_message_bytes } },
      );
    }
    const waiting = e.actor.mailboxLength + a.castsInTransit;
    if (waiting >= limits.mailbox_len) {
      this.#violation(e, a, 'mailbox_len', waiting, limits.mailbox_len);
      throw new SoloError(
        'limit_exceeded',
        `Service '${e.service}' of tenant '${e.tenant}' already has ${waiting} messages waiting, its limit (limits.mailbox_len = ${limits.mailbox_len}); the ${kind} was not queued. Retry once it has caught up, send less at once, or redeploy with a larger limits.mailbox_len.`,
        { details: { limit: 'mailbox_len', value: waiting, limit_value: limits.mailbox_len } },
      );
    }
    const load = (a.load ??= this.#shedder.loadOf(e.tenant));
    this.#shedder.admit(load, nested);
    let probe = false;
    if (a.breaker.state !== 'closed') {
      const d = a.breaker.admit(this.#d.now());
      if (!d.admit) {
        this.#shedder.release(load);
        throw circuitOpen(e, d.retryAfterMs, d.state);
      }
      probe = d.probe;
    }
    if (kind === 'cast') a.castsInTransit += 1;
    return probe;
  }

  /**
   * Ends a request admitted by {@link enter}. `handled`: a call's handler completed (whatever the reply size), or
   * a cast was published (its handler's verdict comes from {@link castHandled} or a crash).
   */
  leave(e: ServiceEntry, kind: 'call' | 'cast', probe: boolean, handled: boolean): void {
    if (!this.#o.accounting) return;
    const a = admissionOf(e);
    if (a.load !== null) this.#shedder.release(a.load);
    if (kind === 'cast' && !handled) a.castsInTransit = Math.max(0, a.castsInTransit - 1);
    if (kind === 'call' && handled) this.#success(e, a);
    // A crash has already moved the breaker (reported by the runtime before the caller hears of it).
    else if (probe && !handled) a.breaker.abandonProbe();
  }

  /**
   * Checks a call's reply against `max_reply_bytes`. The handler has run and its state is kept: only the reply
   * is dropped, and the service is not crashed for it.
   * @throws `limit_exceeded`
   */
  checkReply(e: ServiceEntry, reply: Json): void {
    if (!this.#o.accounting) return;
    const limit = limitsOf(e).max_reply_bytes;
    const over = jsonBytesOver(reply, limit);
    if (over === null) return;
    this.#violation(e, admissionOf(e), 'max_reply_bytes', over, limit);
    throw new SoloError(
      'limit_exceeded',
      `Service '${e.service}' of tenant '${e.tenant}' replied with ${over} bytes of JSON; its limit is ${limit} (limits.max_reply_bytes). The reply was dropped, but the call ran and the service kept its new state: ask for less (page the result), or redeploy with a larger limits.max_reply_bytes.`,
      { details: { limit: 'max_reply_bytes', value: over, limit_value: limit } },
    );
  }

  /** The load of `tenant` on this node, for {@link noteBusy}. */
  loadOf(tenant: string): TenantLoad {
    return this.#shedder.loadOf(tenant);
  }

  /** A handler of the tenant held the event loop for `syncMs` until `endMs` (reported by its actor cell after each message). */
  noteBusy(load: TenantLoad, syncMs: number, endMs: number): void {
    if (this.#o.accounting) this.#shedder.noteBusy(load, syncMs, endMs);
  }

  /** The mailbox dispatch handed a cast of `e` to its actor: it no longer counts as in transit. */
  castDelivered(e: ServiceEntry): void {
    const a = e.admission;
    if (a !== undefined && a.castsInTransit > 0) a.castsInTransit -= 1;
  }

  /** A cast's handler completed without crashing (closes a half-open breaker). */
  castHandled(e: ServiceEntry): void {
    const a = e.admission;
    if (a !== undefined && a.breaker.state !== 'closed') this.#success(e, a);
  }

  /**
   * `ctx.setTimer` of `e` is about to add a timer.
   * @throws `limit_exceeded` when the actor already holds `max_timers` (volatile and durable).
   */
  checkTimer(e: ServiceEntry): void {
    const limit = limitsOf(e).max_timers;
    const timers = e.actor.timerCount + this.#d.durableTimers(e);
    if (timers < limit) return;
    // A deploy's draft entry (init before the commit point) has no record yet: no event for a service that may never exist.
    if ((e.record as ServiceEntry['record'] | undefined) !== undefined) this.#violation(e, admissionOf(e), 'max_timers', timers, limit);
    throw new SoloError(
      'limit_exceeded',
      `Service '${e.service}' of tenant '${e.tenant}' already has ${timers} pending timers, its limit (limits.max_timers = ${limit}). Cancel timers it no longer needs (ctx.cancelTimer), or redeploy with a larger limits.max_timers.`,
      { details: { limit: 'max_timers', value: timers, limit_value: limit } },
    );
  }

  /**
   * `ctx.emit` of `e` is about to append an event (always checked: these limits guard the event log, not the
   * request path that `accounting` switches off).
   * @throws `invalid_request` for a type that is not 1 to 128 characters; `limit_exceeded` over
   * `max_event_bytes` or `max_events_per_second` (with `details.retry_after_ms`).
   */
  checkEmit(e: ServiceEntry, type: unknown, payload: Json | undefined): void {
    this.#output.checkEmit(e, type, payload);
  }

  /** `ctx.log` of `e`: the line to write (cut when over 16 KiB), or null when `max_log_lines_per_second` drops it. Never throws. */
  admitLog(e: ServiceEntry, message: string, data: Json | undefined): { message: string; data: Json | undefined } | null {
    return this.#output.admitLog(e, message, data);
  }

  /** A crash of `e` (handler, init or a limit): records a violation for a limit crash and feeds the breaker. */
  onCrash(e: ServiceEntry, error: WireError): void {
    const a = admissionOf(e);
    const limit = error.details?.['limit'];
    if (typeof limit === 'string' && SANDBOX_LIMITS.has(limit)) {
      const name = limit as ViolatedLimit;
      this.#violation(e, a, name, undefined, limitsOf(e)[name]);
    }
    // A crash a linked service caused is that service's fault; it does not count against this one.
    if (error.details?.['reason'] === 'linked') return;
    this.#transition(e, a.breaker.recordCrash(this.#d.now()));
  }

  /** New code replaced the service (replace, rollback): its breaker starts closed. */
  resetCircuit(e: ServiceEntry): void {
    e.admission?.breaker.reset();
  }

  /** The usage and breaker of `e` for `status`. */
  statusOf(e: ServiceEntry, heapBytes: number): { usage: ServiceUsage; circuit: CircuitStatus } {
    const limits = limitsOf(e);
    const a = admissionOf(e);
    const now = this.#d.now();
    const c = a.breaker.snapshot(now);
    return {
      usage: {
        memory_bytes: heapBytes,
        memory_limit_bytes: limits.memory_mb * 1024 * 1024,
        mailbox_len: e.actor.mailboxLength + a.castsInTransit,
        mailbox_limit: limits.mailbox_len,
        timers: e.actor.timerCount + this.#d.durableTimers(e),
        timers_limit: limits.max_timers,
        last_handler_ms: e.actor.lastHandlerMs === null ? null : Math.round(e.actor.lastHandlerMs * 1000) / 1000,
        wall_limit_ms: limits.wall_ms,
        cpu_limit_ms: limits.cpu_ms,
        tenant_in_flight: this.#shedder.inFlightOf(e.tenant),
        ...this.#output.usageOf(e, now),
      },
      circuit: {
        state: c.state,
        crashes: c.crashes,
        opened_at: c.openedAtMs === null ? null : new Date(c.openedAtMs).toISOString(),
        retry_after_ms: c.retryAfterMs,
        cooldown_ms: c.cooldownMs,
      },
    };
  }

  #success(e: ServiceEntry, a: ServiceAdmission): void {
    if (a.breaker.state === 'closed') return;
    this.#transition(e, a.breaker.recordSuccess(this.#d.now()));
  }

  #transition(e: ServiceEntry, t: CircuitTransition | null): void {
    if (t === null) return;
    if (t.to === 'open') {
      this.#d.append({
        type: 'circuit_opened',
        tenant: e.tenant,
        service_id: e.service,
        data: { crashes: t.crashes, window_ms: t.windowMs, cooldown_ms: t.cooldownMs, retry_after_ms: t.cooldownMs, reopened: t.reopened },
      });
    } else {
      this.#d.append({ type: 'circuit_closed', tenant: e.tenant, service_id: e.service, data: { open_ms: t.openMs } });
    }
  }

  #violation(e: ServiceEntry, a: ServiceAdmission, limit: ViolatedLimit, value: number | undefined, limitValue: number): void {
    this.#record(e, a, limit, value === undefined ? { limit_value: limitValue } : { limit_value: limitValue, value });
  }

  /** Appends a `resource_violation` of `limit` unless one was appended within the interval; true when appended. */
  #record(e: ServiceEntry, a: ServiceAdmission, limit: ViolatedLimit, fields: Record<string, unknown>): boolean {
    const suppressed = a.violations.take(limit, this.#d.now());
    if (suppressed === null) return false;
    const data: Record<string, unknown> = { limit, ...fields };
    if (suppressed > 0) data['suppressed'] = suppressed;
    this.#d.append({ type: 'resource_violation', tenant: e.tenant, service_id: e.service, data });
    return true;
  }
}

/** The fail-fast error of a service whose breaker is open (or half-open with its probe in flight). */
function circuitOpen(e: ServiceEntry, retryAfterMs: number, state: 'open' | 'half_open' | 'closed'): SoloError {
  const now = state === 'half_open' ? 'is testing it with one request' : 'refuses calls and casts while it recovers';
  return new SoloError(
    'unavailable',
    `Service '${e.service}' of tenant '${e.tenant}' crashed repeatedly, so its circuit breaker ${now}. Retry after ${retryAfterMs} ms; \`solo status ${e.service}\` and \`solo events --service ${e.service}\` show the crashes.`,
    { details: { service_id: e.service, reason: 'circuit_open', state, retry_after_ms: retryAfterMs } },
  );
}
