// A tenant supervisor's policy: strategy, default intensity and backoff for its services, escalation.
import type { EscalationPolicy, RestartStrategy } from '@solo/protocol';
import { ESCALATION_POLICIES, RESTART_STRATEGIES } from '@solo/protocol';
import type { BackoffPolicyInput, ResolvedBackoffPolicy } from './backoff.ts';
import { DEFAULT_BACKOFF, checkBackoffPolicy } from './backoff.ts';
import { checkChoice, checkInputObject, checkInteger, checkNumber } from './policy-input.ts';
import type { RestartIntensity } from './restart-intensity.ts';
import { DEFAULT_RESTART_INTENSITY } from './restart-intensity.ts';

// The escalation policies are part of the wire contract, so protocol defines them once.
export { ESCALATION_POLICIES };
export type { EscalationPolicy };

/** A tenant's supervision policy as given; every field optional. */
export interface TenantPolicyInput {
  /** @default 'one_for_one' */
  strategy?: RestartStrategy;
  /** Default for the tenant's services. @default 3 */
  maxRestarts?: number;
  /** Default for the tenant's services. @default 5 */
  maxSeconds?: number;
  /** @default 'mark_failed' */
  escalation?: EscalationPolicy;
  /** Default for the tenant's services; see {@link BackoffPolicyInput}. */
  backoff?: BackoffPolicyInput;
}

/** {@link TenantPolicyInput} validated, with every default applied. */
export interface TenantPolicy {
  strategy: RestartStrategy;
  intensity: RestartIntensity;
  escalation: EscalationPolicy;
  backoff: ResolvedBackoffPolicy;
}

/** The policy of a tenant nobody configured. */
export const DEFAULT_TENANT_POLICY: Readonly<TenantPolicy> = Object.freeze({
  strategy: 'one_for_one',
  intensity: DEFAULT_RESTART_INTENSITY,
  escalation: 'mark_failed',
  backoff: DEFAULT_BACKOFF,
});

const TENANT_FIELDS = ['strategy', 'maxRestarts', 'maxSeconds', 'escalation', 'backoff'] as const;

/** Bounds shared by tenant policies and child specs. */
export const INTENSITY_BOUNDS = {
  maxRestarts: { min: 0, max: 1_000_000 },
  maxSeconds: { min: 0, max: 86_400, exclusiveMin: true },
} as const;

/**
 * Validates a tenant policy and applies the defaults.
 * @throws SoloError `invalid_request` on an unknown field, strategy or escalation, or a value out of range.
 */
export function resolveTenantPolicy(p: TenantPolicyInput): TenantPolicy {
  const raw = checkInputObject('tenant policy', p, TENANT_FIELDS);
  return {
    strategy:
      raw.strategy === undefined
        ? DEFAULT_TENANT_POLICY.strategy
        : checkChoice('strategy', raw.strategy, RESTART_STRATEGIES),
    intensity: {
      maxRestarts:
        raw.maxRestarts === undefined
          ? DEFAULT_RESTART_INTENSITY.maxRestarts
          : checkInteger('maxRestarts', raw.maxRestarts, INTENSITY_BOUNDS.maxRestarts),
      maxSeconds:
        raw.maxSeconds === undefined
          ? DEFAULT_RESTART_INTENSITY.maxSeconds
          : checkNumber('maxSeconds', raw.maxSeconds, INTENSITY_BOUNDS.maxSeconds),
    },
    escalation:
      raw.escalation === undefined
        ? DEFAULT_TENANT_POLICY.escalation
        : checkChoice('escalation', raw.escalation, ESCALATION_POLICIES, 'escalation policy'),
    backoff: { ...DEFAULT_BACKOFF, ...(raw.backoff === undefined ? {} : checkBackoffPolicy(raw.backoff)) },
  };
}
