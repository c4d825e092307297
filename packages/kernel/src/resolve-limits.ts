// Applies defaults to a service's limits and checks them against their bounds, before any side effect; and
// completes the limits of records written before a limit existed.
import { SERVICE_LIMITS, SoloError, type ResolvedServiceLimits, type ServiceLimits } from '@solo/protocol';

const LIMIT_KEYS = Object.keys(SERVICE_LIMITS) as (keyof ServiceLimits)[];

/**
 * Resolves wire limits to concrete values.
 * @throws `invalid_request` when a value is not an integer within its bounds.
 */
export function resolveServiceLimits(limits: ServiceLimits | undefined): ResolvedServiceLimits {
  const out = {} as ResolvedServiceLimits;
  for (const key of LIMIT_KEYS) {
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

/**
 * The stored limits of a service with the default of every limit they lack. A `service_deployed` event (or a
 * checkpoint) written before a limit was added has no value for it; the stored values are kept as they are,
 * because they were checked when the deploy was.
 */
export function withLimitDefaults(stored: Readonly<Partial<Record<keyof ServiceLimits, unknown>>> | null | undefined): ResolvedServiceLimits {
  const out = {} as ResolvedServiceLimits;
  for (const key of LIMIT_KEYS) {
    const v = stored?.[key];
    out[key] = typeof v === 'number' ? v : SERVICE_LIMITS[key].default;
  }
  return out;
}
