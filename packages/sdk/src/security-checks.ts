// Client-side checks of the security verbs' requests (tokens, secrets, tenants, audit), run before anything
// is sent. The node checks again; these catch mistakes early with the same codes. Secret values are never
// quoted in a message.
import { SoloError, TENANT_LIMITS, checkPermissions, checkRateLimit, checkServicePatterns, parseTenantId } from '@solo/protocol';
import type { AuditExportRequest, TenantLimits, TokenGrantRequest } from '@solo/protocol';

/** Longest token lifetime a grant may ask for: 366 days, in seconds. */
export const MAX_TOKEN_TTL_S = 366 * 86_400;
/** Longest token label. */
export const MAX_TOKEN_LABEL_CHARS = 128;
/** Longest secret name. */
export const MAX_SECRET_NAME_CHARS = 128;
/** Most audit records one export may return. */
export const MAX_AUDIT_EXPORT_LIMIT = 10_000;

const TOKEN_ID = /^[A-Za-z0-9_-]{8,64}$/;

function bad(field: string, message: string): SoloError {
  return new SoloError('invalid_request', message, { details: { field } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a token grant and returns a clean copy. @throws `invalid_request` naming the field */
export function checkTokenGrant(req: TokenGrantRequest): TokenGrantRequest {
  if (!isRecord(req)) throw bad('permissions', 'A token grant is an object {permissions, services?, ttl_s?, rate_limit?, persistent?, label?}.');
  const out: TokenGrantRequest = { permissions: checkPermissions(req.permissions, 'permissions') };
  if (req.services !== undefined) out.services = checkServicePatterns(req.services, 'services');
  if (req.ttl_s !== undefined) {
    if (!Number.isInteger(req.ttl_s) || req.ttl_s < 0 || req.ttl_s > MAX_TOKEN_TTL_S) {
      throw bad('ttl_s', `ttl_s must be a whole number of seconds from 0 (no expiry) to ${MAX_TOKEN_TTL_S} (366 days).`);
    }
    out.ttl_s = req.ttl_s;
  }
  if (req.rate_limit !== undefined) out.rate_limit = checkRateLimit(req.rate_limit, 'rate_limit');
  if (req.persistent !== undefined) {
    if (typeof req.persistent !== 'boolean') throw bad('persistent', 'persistent must be a boolean.');
    out.persistent = req.persistent;
  }
  if (req.label !== undefined) {
    if (typeof req.label !== 'string' || req.label.length > MAX_TOKEN_LABEL_CHARS) {
      throw bad('label', `label must be a string of at most ${MAX_TOKEN_LABEL_CHARS} characters.`);
    }
    out.label = req.label;
  }
  return out;
}

/** Validates a token id (as `token_list` shows it). @throws `invalid_request` */
export function checkTokenId(tokenId: unknown): string {
  if (typeof tokenId !== 'string' || !TOKEN_ID.test(tokenId)) {
    throw bad('token_id', 'token_id must be a token id (8-64 characters of A-Z, a-z, 0-9, _ and -) as listed by `solo token ls`.');
  }
  return tokenId;
}

/** Checks a secret name's type and length; the node checks its characters. @throws `invalid_request` */
export function checkSecretName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_SECRET_NAME_CHARS) {
    throw bad('name', `A secret name is a non-empty string of at most ${MAX_SECRET_NAME_CHARS} characters: a letter, then letters, digits, '_' or '-' (e.g. STRIPE_API_KEY).`);
  }
  return name;
}

/** Checks a secret value's type, without ever quoting it. @throws `invalid_request` */
export function checkSecretValue(value: unknown): string {
  if (typeof value !== 'string') {
    throw bad('value', `A secret value is a string (got ${value === null ? 'null' : typeof value}); encode binary data as base64.`);
  }
  return value;
}

/** Validates tenant limits against their documented bounds and returns a clean copy. @throws `invalid_request` */
export function checkTenantLimits(limits: TenantLimits): TenantLimits {
  if (!isRecord(limits)) throw bad('limits', 'limits must be an object {max_services?, max_memory_mb?, rate?}.');
  const out: TenantLimits = {};
  for (const key of Object.keys(limits)) {
    if (!['max_services', 'max_memory_mb', 'rate'].includes(key)) throw bad(`limits.${key}`, `Unknown tenant limit '${key}'. Limits: max_services, max_memory_mb, rate.`);
  }
  for (const key of ['max_services', 'max_memory_mb'] as const) {
    const v: unknown = limits[key];
    if (v === undefined) continue;
    const b = TENANT_LIMITS[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < b.min || v > b.max) {
      throw bad(`limits.${key}`, `limits.${key} must be an integer from ${b.min} to ${b.max}; got ${JSON.stringify(v)}.`);
    }
    out[key] = v;
  }
  if (limits.rate !== undefined) out.rate = checkRateLimit(limits.rate, 'limits.rate');
  return out;
}

/** Validates an audit export query. @throws `invalid_request` naming the field */
export function checkAuditExport(req: AuditExportRequest): AuditExportRequest {
  const out: AuditExportRequest = {};
  if (req.tenant !== undefined) out.tenant = parseTenantId(req.tenant);
  if (req.since !== undefined) {
    if (typeof req.since !== 'string' || Number.isNaN(Date.parse(req.since))) {
      throw bad('since', `since must be an ISO-8601 time such as 2025-01-31T12:00:00Z; got ${JSON.stringify(req.since)}.`);
    }
    // The node accepts only full date-times with an offset: normalise whatever Date.parse understood.
    out.since = new Date(req.since).toISOString();
  }
  if (req.limit !== undefined) {
    if (!Number.isInteger(req.limit) || req.limit < 1 || req.limit > MAX_AUDIT_EXPORT_LIMIT) {
      throw bad('limit', `limit must be an integer from 1 to ${MAX_AUDIT_EXPORT_LIMIT}; got ${JSON.stringify(req.limit)}.`);
    }
    out.limit = req.limit;
  }
  return out;
}
