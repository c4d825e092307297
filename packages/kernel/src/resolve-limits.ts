// Applies defaults to a service's limits and checks them against their bounds, before any side effect.
import { SERVICE_LIMITS, SoloError, type ResolvedServiceLimits, type ServiceLimits } from '@solo/protocol';

/**
 * Resolves wire limits to concrete values.
 * @throws `invalid_request` when a value is not an integer within its bounds.
 */
export function resolveServiceLimits(limits: ServiceLimits | undefined): ResolvedServiceLimits {
  const out = {} as ResolvedServiceLimits;
  for (const key of Object.keys(SERVICE_LIMITS) as (keyof ServiceLimits)[]) {
    const bound = SERVICE_LIMITS[key];
    const v = limits?.[key];
    if (v === undefined) {
      out[key] = bound.default;
      continue;
    }
    if (!Number.isInteger(v) || v < bound.min || v > bound.max) {
      throw new SoloError('invalid_request', `limits.${key} must be an integer from ${bound.min} to ${bound.max}; got ${String(v)}.`, {
        details: { field: `limits.${key}`, min: bound.min, max: bound.max },
      });
    }
    out[key] = v;
  }
  return out;
}
