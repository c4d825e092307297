// Supervision settings between the wire (snake_case, stored verbatim in events) and the supervisor package
// (camelCase, resolved): a service's options at deploy, and a tenant's policy for the `supervision` verb.
import { SoloError, type BackoffOptions, type Json, type RestartType, type ServiceSupervisionOptions, type SupervisionPolicy, type SupervisionRequest } from '@solo/protocol';
import { resolveChildSpec, resolveTenantPolicy, type BackoffPolicyInput, type ChildSpecInput, type TenantPolicy, type TenantPolicyInput } from '@solo/supervisor';

/** Poison-message retries when a deploy does not say. */
export const DEFAULT_MAX_CAST_ATTEMPTS = 3;
const MAX_CAST_ATTEMPTS_LIMIT = 100;

/** The keys of a service record's `options` that hold its supervision settings. */
const OPTION_KEYS = ['max_restarts', 'max_seconds', 'backoff', 'max_cast_attempts'] as const;

function backoffInput(b: BackoffOptions | undefined): BackoffPolicyInput | undefined {
  if (b === undefined) return undefined;
  const out: BackoffPolicyInput = {};
  if (b.initial_ms !== undefined) out.initialMs = b.initial_ms;
  if (b.multiplier !== undefined) out.multiplier = b.multiplier;
  if (b.max_ms !== undefined) out.maxMs = b.max_ms;
  if (b.jitter !== undefined) out.jitter = b.jitter;
  return out;
}

/** The child spec of a service: its restart type and the overrides kept in its record's options. */
export function childSpecOf(restart: RestartType, options: Readonly<Record<string, Json>>): ChildSpecInput {
  const spec: ChildSpecInput = { restart };
  const o = options as ServiceSupervisionOptions;
  if (o.max_restarts !== undefined) spec.maxRestarts = o.max_restarts;
  if (o.max_seconds !== undefined) spec.maxSeconds = o.max_seconds;
  const backoff = backoffInput(o.backoff);
  if (backoff !== undefined) spec.backoff = backoff;
  return spec;
}

/** How many crashes a cast of this service may cause before it is dead-lettered. */
export function maxCastAttemptsOf(options: Readonly<Record<string, Json>>): number {
  const n = options['max_cast_attempts'];
  return typeof n === 'number' ? n : DEFAULT_MAX_CAST_ATTEMPTS;
}

/**
 * Validates a deploy's supervision options and returns them as they are stored in `data.options` (only the
 * fields that were set). Runs before any side effect of the deploy.
 * @throws `invalid_request` for a value out of range (quoting the field).
 */
export function checkServiceSupervision(restart: RestartType, input: ServiceSupervisionOptions | undefined): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (input === undefined) return out;
  resolveChildSpec(childSpecOf(restart, input as Record<string, Json>));
  const n = input.max_cast_attempts;
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > MAX_CAST_ATTEMPTS_LIMIT)) {
    throw new SoloError('invalid_request', `max_cast_attempts ${String(n)} is out of range. Set it to an integer from 1 to ${MAX_CAST_ATTEMPTS_LIMIT}.`, {
      details: { field: 'max_cast_attempts', value: typeof n === 'number' && Number.isFinite(n) ? n : String(n) },
    });
  }
  for (const k of OPTION_KEYS) {
    const v = input[k];
    if (v !== undefined) out[k] = v as Json;
  }
  return out;
}

/** A resolved tenant policy as it travels and is stored. */
export function policyToWire(p: TenantPolicy): SupervisionPolicy {
  return {
    strategy: p.strategy,
    max_restarts: p.intensity.maxRestarts,
    max_seconds: p.intensity.maxSeconds,
    escalation: p.escalation,
    backoff: { initial_ms: p.backoff.initialMs, multiplier: p.backoff.multiplier, max_ms: p.backoff.maxMs, jitter: p.backoff.jitter },
  };
}

/** A stored (wire) policy as the supervisor tree takes it. */
export function policyInput(p: SupervisionPolicy): TenantPolicyInput {
  return {
    strategy: p.strategy,
    maxRestarts: p.max_restarts,
    maxSeconds: p.max_seconds,
    escalation: p.escalation,
    backoff: backoffInput(p.backoff) ?? {},
  };
}

/** True when a `supervision` request sets nothing (a read). */
export function isPolicyRead(req: SupervisionRequest): boolean {
  return Object.values(req).every((v) => v === undefined);
}

/**
 * The policy after a `supervision` request: its fields over `current` (backoff field by field), resolved.
 * @throws `invalid_request` when the result is out of range (e.g. backoff max below initial).
 */
export function mergePolicy(current: SupervisionPolicy, req: SupervisionRequest): SupervisionPolicy {
  const merged: SupervisionPolicy = {
    strategy: req.strategy ?? current.strategy,
    max_restarts: req.max_restarts ?? current.max_restarts,
    max_seconds: req.max_seconds ?? current.max_seconds,
    escalation: req.escalation ?? current.escalation,
    backoff: { ...current.backoff, ...stripUndefined(req.backoff ?? {}) },
  };
  return policyToWire(resolveTenantPolicy(policyInput(merged)));
}

function stripUndefined(b: BackoffOptions): BackoffOptions {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as BackoffOptions;
}
