// Tenant and service ids: validated once at the edge, then carried as branded strings that are always
// safe as NATS subject tokens, LMDB keys and file names.
import { SoloError } from './error-codes.ts';

/** An id that passed {@link parseTenantId}. */
export type TenantId = string & { readonly __brand: 'TenantId' };
/** An id that passed {@link parseServiceId}. */
export type ServiceId = string & { readonly __brand: 'ServiceId' };

/** The shape of every tenant and service id: lowercase ASCII letters, digits, `_` and `-`, 1–63 characters. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** True when `value` is a well-formed id. */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `a ${value === null ? 'null' : typeof value}`;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `'${shown}'${value.length > 40 ? ` (${value.length} characters)` : ''}`;
}

function parseId(kind: 'tenant' | 'service', value: unknown): string {
  if (isValidId(value)) return value;
  throw new SoloError(
    'invalid_request',
    `Invalid ${kind} id ${describe(value)}. Ids are 1-63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit (e.g. 'acme', 'my-counter').`,
    { details: { field: kind === 'tenant' ? 'tenant' : 'service_id' } },
  );
}

/** Validates a tenant id. @throws `invalid_request` when it does not match {@link ID_PATTERN}. */
export function parseTenantId(value: unknown): TenantId {
  return parseId('tenant', value) as TenantId;
}

/** Validates a service id. @throws `invalid_request` when it does not match {@link ID_PATTERN}. */
export function parseServiceId(value: unknown): ServiceId {
  return parseId('service', value) as ServiceId;
}
