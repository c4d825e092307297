// Suspicious-activity detection over the audit trail: denials per token and per tenant in a sliding window.
// Pure: the caller passes the time, and gets back the alerts to raise (the node turns each into `security_alert`).
import { SoloError } from '@solo/protocol';
import type { AuditRecord } from '@solo/protocol';

/** The outcomes that count as a denial. */
export const DENIAL_OUTCOMES = ['unauthorized', 'forbidden', 'rate_limited'] as const;

/** One key crossed the denial threshold. */
export interface SecurityAlert {
  /** Whether `key` is a token id or a tenant. */
  key_kind: 'token' | 'tenant';
  /** The token id, or the tenant (`_` for requests that named no tenant, such as operator verbs). */
  key: string;
  /** The tenant of the last denied request (null when it named none). */
  tenant: string | null;
  /** Denials counted in the window when the alert fired: the threshold, as no more are kept per key. */
  denials: number;
  window_ms: number;
  last_verb: string;
  last_outcome: string;
}

/** Options of {@link DenialWatch}. */
export interface DenialWatchOptions {
  /** Denials of one key within `alertWindowMs` that raise an alert (1–1000). @default 10 */
  alertThreshold?: number;
  /** Length of the sliding window, and the least time between two alerts of one key (1 ms–1 day). @default 60000 */
  alertWindowMs?: number;
  /** Keys tracked at once (1–1000000); beyond it the least recently denied key is forgotten. @default 10000 */
  maxTrackedKeys?: number;
}

/** {@link DenialWatchOptions} with defaults applied. */
export type ResolvedDenialWatchOptions = Required<DenialWatchOptions>;

/** Longest key kept; keys come from callers (tenant names on denied requests), so they are clipped. */
const MAX_KEY_CHARS = 256;
const DENIALS: ReadonlySet<string> = new Set(DENIAL_OUTCOMES);

/** Validates the options. @throws `invalid_request` naming the field out of range. */
export function resolveDenialWatchOptions(o: DenialWatchOptions = {}): ResolvedDenialWatchOptions {
  const { alertThreshold = 10, alertWindowMs = 60_000, maxTrackedKeys = 10_000 } = o;
  const check = (field: string, v: number, max: number): void => {
    if (!Number.isSafeInteger(v) || v < 1 || v > max) {
      throw new SoloError('invalid_request', `Invalid ${field} ${String(v)}: pass a whole number from 1 to ${max}.`, { details: { field, max } });
    }
  };
  check('alertThreshold', alertThreshold, 1000);
  check('alertWindowMs', alertWindowMs, 86_400_000);
  check('maxTrackedKeys', maxTrackedKeys, 1_000_000);
  return { alertThreshold, alertWindowMs, maxTrackedKeys };
}

interface Tracked {
  /** Times of the latest denials, oldest first; at most `alertThreshold` of them. */
  times: number[];
  /** When this key last raised an alert. */
  alertedAt: number | null;
}

/**
 * Counts denials per key. A key alerts when `alertThreshold` of its denials fall within `alertWindowMs`, and then
 * not again until a window has passed since that alert. Memory is bounded: at most `maxTrackedKeys` keys of at most
 * `alertThreshold` times each. A flood of distinct keys evicts quiet keys first (recency order), so an attacker
 * can only hide a key by sending more than `maxTrackedKeys` other denied keys between two of its denials.
 */
export class DenialWatch {
  readonly #o: ResolvedDenialWatchOptions;
  /** Map order is recency order: a key is re-inserted on each denial, so the first key is the stalest. */
  readonly #keys = new Map<string, Tracked>();

  /** @throws `invalid_request` for an option out of range. */
  constructor(o: DenialWatchOptions = {}) {
    this.#o = resolveDenialWatchOptions(o);
  }

  /** Keys tracked now (at most `maxTrackedKeys`). */
  get trackedKeys(): number {
    return this.#keys.size;
  }

  /** Counts `r` if it is a denial; returns the alerts it raises (none, or one per key that crossed the threshold). */
  observe(r: AuditRecord, nowMs: number): SecurityAlert[] {
    if (!DENIALS.has(r.outcome)) return [];
    const alerts: SecurityAlert[] = [];
    if (r.token_id !== null) this.#count('token', r.token_id, r, nowMs, alerts);
    this.#count('tenant', r.tenant ?? '_', r, nowMs, alerts);
    return alerts;
  }

  #count(kind: SecurityAlert['key_kind'], rawKey: string, r: AuditRecord, now: number, alerts: SecurityAlert[]): void {
    const key = rawKey.length > MAX_KEY_CHARS ? rawKey.slice(0, MAX_KEY_CHARS) : rawKey;
    const mapKey = `${kind}:${key}`;
    const { alertThreshold, alertWindowMs, maxTrackedKeys } = this.#o;
    let t = this.#keys.get(mapKey);
    if (t === undefined) {
      if (this.#keys.size >= maxTrackedKeys) {
        const stalest = this.#keys.keys().next().value;
        if (stalest !== undefined) this.#keys.delete(stalest);
      }
      t = { times: [], alertedAt: null };
    } else {
      this.#keys.delete(mapKey);
    }
    this.#keys.set(mapKey, t);
    t.times.push(now);
    while (t.times.length > alertThreshold || (t.times.length > 0 && (t.times[0] as number) <= now - alertWindowMs)) t.times.shift();
    if (t.times.length < alertThreshold) return;
    if (t.alertedAt !== null && now - t.alertedAt < alertWindowMs) return;
    t.alertedAt = now;
    alerts.push({ key_kind: kind, key, tenant: r.tenant, denials: t.times.length, window_ms: alertWindowMs, last_verb: r.verb, last_outcome: r.outcome });
  }
}
