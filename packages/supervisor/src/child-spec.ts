// A child's supervision spec: restart type and optional per-service overrides of its tenant's policy.
import type { RestartType } from '@solo/protocol';
import { RESTART_TYPES } from '@solo/protocol';
import type { BackoffPolicyInput, ResolvedBackoffPolicy } from './backoff.ts';
import { checkBackoffPolicy } from './backoff.ts';
import { checkChoice, checkInputObject, checkInteger, checkNumber } from './policy-input.ts';
import type { RestartIntensity } from './restart-intensity.ts';
import type { TenantPolicy } from './tenant-policy.ts';
import { INTENSITY_BOUNDS } from './tenant-policy.ts';

/** A child spec as given; every field optional. Unset overrides inherit the tenant's policy. */
export interface ChildSpecInput {
  /** @default 'permanent' */
  restart?: RestartType;
  /** Overrides the tenant's maxRestarts for this service. */
  maxRestarts?: number;
  /** Overrides the tenant's maxSeconds for this service. */
  maxSeconds?: number;
  /** Overrides single fields of the tenant's backoff for this service. */
  backoff?: BackoffPolicyInput;
}

/** {@link ChildSpecInput} validated: the restart type resolved, overrides kept only where set. */
export interface ChildSpec {
  restart: RestartType;
  maxRestarts?: number;
  maxSeconds?: number;
  backoff?: BackoffPolicyInput;
}

const CHILD_FIELDS = ['restart', 'maxRestarts', 'maxSeconds', 'backoff'] as const;

/**
 * Validates a child spec and applies the defaults (restart type `permanent`).
 * @throws SoloError `invalid_request` on an unknown field or restart type, or a value out of range.
 */
export function resolveChildSpec(spec: ChildSpecInput): ChildSpec {
  const raw = checkInputObject('child spec', spec, CHILD_FIELDS);
  const out: ChildSpec = {
    restart:
      raw.restart === undefined ? 'permanent' : checkChoice('restart', raw.restart, RESTART_TYPES, 'restart type'),
  };
  if (raw.maxRestarts !== undefined)
    out.maxRestarts = checkInteger('maxRestarts', raw.maxRestarts, INTENSITY_BOUNDS.maxRestarts);
  if (raw.maxSeconds !== undefined)
    out.maxSeconds = checkNumber('maxSeconds', raw.maxSeconds, INTENSITY_BOUNDS.maxSeconds);
  if (raw.backoff !== undefined) out.backoff = checkBackoffPolicy(raw.backoff);
  return out;
}

/** The intensity and backoff a child actually runs with: its overrides over its tenant's policy. */
export function resolveChildPolicy(
  spec: ChildSpec,
  tenant: TenantPolicy,
): { intensity: RestartIntensity; backoff: ResolvedBackoffPolicy } {
  return {
    intensity: {
      maxRestarts: spec.maxRestarts ?? tenant.intensity.maxRestarts,
      maxSeconds: spec.maxSeconds ?? tenant.intensity.maxSeconds,
    },
    backoff: { ...tenant.backoff, ...spec.backoff },
  };
}
