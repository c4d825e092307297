// Wire request validation of the security verbs (tokens, secrets, tenants, audit): strict schemas, unknown
// fields are errors, every failure is `invalid_request` naming the field.
import { z } from 'zod';
import { MAX_SOURCE_BYTES, PERMISSIONS } from '@solo/protocol';
import type { AuditExportRequest, TenantLimits, TokenGrantRequest } from '@solo/protocol';
import { parseWireBody } from './request-schemas.ts';

const rate = z.strictObject({ requests_per_second: z.number().positive().max(1_000_000), burst: z.number().int().min(1).max(1_000_000) });
const servicePattern = z.string().regex(/^(\*|[a-z0-9][a-z0-9_-]{0,62}\*?)$/, "a service pattern is a service id, a prefix ending in '*', or '*'");

const tokenGrant = z.strictObject({
  permissions: z.array(z.enum(PERMISSIONS, { message: `unknown permission; permissions: ${PERMISSIONS.join(', ')}` })).min(1).max(PERMISSIONS.length),
  services: z.array(servicePattern).min(1).max(32).optional(),
  ttl_s: z.number().int().min(0).max(366 * 86_400).optional(),
  rate_limit: rate.optional(),
  persistent: z.boolean().optional(),
  label: z.string().max(128).optional(),
});
const tokenRevoke = z.strictObject({ token_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'token_id must be a token id as listed by `solo token ls`') });
// Names are checked by the vault's own rules (one message everywhere); here only their type and length.
const secretName = z.string().min(1).max(128);
const secretSet = z.strictObject({ name: secretName, value: z.string() });
const secretRef = z.strictObject({ name: secretName });
const limits = z.strictObject({ max_services: z.number().int().optional(), max_memory_mb: z.number().int().optional(), rate: rate.optional() });
const tenantCreate = z.strictObject({ tenant: z.string(), limits: limits.optional() });
const tenantRef = z.strictObject({ tenant: z.string() });
const tenantSetLimits = z.strictObject({ tenant: z.string(), limits });
const auditExport = z.strictObject({
  tenant: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});
const empty = z.strictObject({});
const validate = z.strictObject({
  source: z.string().min(1, 'source is empty').max(MAX_SOURCE_BYTES, `source is larger than ${MAX_SOURCE_BYTES} bytes`),
  filename: z.string().min(1).max(255).regex(/^[^/\\]+$/, 'filename is a file name, not a path').optional(),
});

export const parseTokenGrant = (body: unknown): TokenGrantRequest => parseWireBody(tokenGrant, body);
export const parseTokenRevoke = (body: unknown): { token_id: string } => parseWireBody(tokenRevoke, body);
export const parseSecretSet = (body: unknown): { name: string; value: string } => parseWireBody(secretSet, body);
export const parseSecretRef = (body: unknown): { name: string } => parseWireBody(secretRef, body);
export const parseTenantCreate = (body: unknown): { tenant: string; limits?: TenantLimits } => parseWireBody(tenantCreate, body);
export const parseTenantRef = (body: unknown): { tenant: string } => parseWireBody(tenantRef, body);
export const parseTenantSetLimits = (body: unknown): { tenant: string; limits: TenantLimits } => parseWireBody(tenantSetLimits, body);
export const parseAuditExport = (body: unknown): AuditExportRequest => parseWireBody(auditExport, body);
export const parseValidate = (body: unknown): { source: string; filename?: string } => parseWireBody(validate, body);
export const parseNoFields = (body: unknown): void => {
  parseWireBody(empty, body ?? {});
};

/** The JSON schemas of these bodies, for the REST door's OpenAPI document. */
export const SECURITY_SCHEMAS = { validate, tokenGrant, tokenRevoke, secretSet, secretRef, tenantCreate, tenantSetLimits, auditExport } as const;
