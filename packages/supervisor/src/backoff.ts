// Backoff between a crash and the restart: exponential, jittered, capped. The random source is injected.
import { checkInputObject, checkNumber } from './policy-input.ts';
import { SoloError } from '@solo/protocol';

/** Backoff settings as given by a tenant or a service; every field optional. */
export interface BackoffPolicyInput {
  /** Delay before the first restart, in ms. 0 keeps every restart immediate, as in OTP. @default 0 */
  initialMs?: number;
  /** Factor applied per further attempt (>= 1). @default 2 */
  multiplier?: number;
  /** Upper bound of any delay, in ms. @default 5000 */
  maxMs?: number;
  /** Relative spread in [0, 1]: 0.2 draws each delay within ±20% of the exponential value. @default 0.2 */
  jitter?: number;
}

/** {@link BackoffPolicyInput} with every default applied. */
export type ResolvedBackoffPolicy = Required<BackoffPolicyInput>;

/** The defaults: `{ initialMs: 0, multiplier: 2, maxMs: 5000, jitter: 0.2 }`. */
export const DEFAULT_BACKOFF: Readonly<ResolvedBackoffPolicy> = Object.freeze({
  initialMs: 0,
  multiplier: 2,
  maxMs: 5000,
  jitter: 0.2,
});

const BACKOFF_FIELDS = ['initialMs', 'multiplier', 'maxMs', 'jitter'] as const;
const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

/**
 * Validates a backoff input and returns only the fields it sets (so a service can override one field and
 * inherit the rest from its tenant).
 * @throws SoloError `invalid_request` on an unknown field or a value out of range.
 */
export function checkBackoffPolicy(input: unknown): BackoffPolicyInput {
  const raw = checkInputObject('backoff', input, BACKOFF_FIELDS);
  const out: BackoffPolicyInput = {};
  if (raw.initialMs !== undefined)
    out.initialMs = checkNumber('backoff.initialMs', raw.initialMs, { min: 0, max: MAX_DELAY_MS });
  if (raw.multiplier !== undefined)
    out.multiplier = checkNumber('backoff.multiplier', raw.multiplier, { min: 1, max: 100 });
  if (raw.maxMs !== undefined) out.maxMs = checkNumber('backoff.maxMs', raw.maxMs, { min: 0, max: MAX_DELAY_MS });
  if (raw.jitter !== undefined) out.jitter = checkNumber('backoff.jitter', raw.jitter, { min: 0, max: 1 });
  if (out.initialMs !== undefined && out.maxMs !== undefined && out.maxMs < out.initialMs) {
    throw new SoloError(
      'invalid_request',
      `The backoff.maxMs ${out.maxMs} is below backoff.initialMs ${out.initialMs}. Raise maxMs or lower initialMs.`,
      {
        details: { field: 'backoff.maxMs', value: out.maxMs },
      },
    );
  }
  return out;
}

/**
 * The delay before restart number `attempt` (1 for the first restart in the intensity window):
 * `initialMs * multiplier^(attempt-1)`, capped at `maxMs`, then spread by ±`jitter` with one draw of
 * `random()` (expected in [0, 1)), and never above `maxMs`. Rounded to whole ms.
 */
export function computeBackoffMs(attempt: number, policy: ResolvedBackoffPolicy, random: () => number): number {
  // 0 * Infinity is NaN, and huge attempts overflow the power: both are settled before multiplying.
  if (policy.initialMs === 0 || policy.maxMs === 0) return 0;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const raw = policy.initialMs * Math.pow(policy.multiplier, exponent);
  const base = Number.isFinite(raw) ? Math.min(raw, policy.maxMs) : policy.maxMs;
  const drawn = random();
  const r = Number.isFinite(drawn) ? Math.min(1, Math.max(0, drawn)) : 0.5;
  const spread = base * (1 + policy.jitter * (2 * r - 1));
  return Math.round(Math.min(spread, policy.maxMs));
}
