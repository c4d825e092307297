// Wire request validation of the discovery verbs (register, deregister, discover, services), shared by the
// NATS and REST doors. Strict schemas: an unknown field is `invalid_request`, like every other verb.
import { z } from 'zod';
import { MAX_REGISTRATION_TAGS, MAX_REGISTRATION_TTL_MS, MAX_TAG_VALUE_LENGTH, TAG_KEY_PATTERN, parseServiceId, parseTenantId, type ServiceId } from '@solo/protocol';
import type { DiscoverQuery, RegisterInput } from '@solo/kernel';
import { parseWireBody } from './request-schemas.ts';

const id = (parseId: (s: string) => string) =>
  z.string().transform((s, ctx) => {
    try {
      return parseId(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
const tags = z
  .record(z.string().regex(TAG_KEY_PATTERN, 'tag keys are letters, digits, _ . - (1-63)'), z.string().max(MAX_TAG_VALUE_LENGTH))
  .refine((t) => Object.keys(t).length <= MAX_REGISTRATION_TAGS, { message: `at most ${MAX_REGISTRATION_TAGS} tags` });
const pageLimit = z.number().int().min(1).max(1000);

/** Body of `register`. */
export const registerSchema = z.strictObject({
  service_id: id(parseServiceId),
  name: id(parseServiceId),
  version: z.string().min(1).max(64).optional(),
  tags: tags.optional(),
  ttl_ms: z.number().int().min(1000).max(MAX_REGISTRATION_TTL_MS).optional(),
  shared_with: z.array(z.union([z.literal('*'), id(parseTenantId)])).max(100).optional(),
});
/** Body of `deregister`. */
export const deregisterSchema = z.strictObject({ service_id: id(parseServiceId), name: id(parseServiceId).optional() });
/** Body of `discover`. */
export const discoverSchema = z.strictObject({
  name: id(parseServiceId).optional(),
  filter: tags.optional(),
  alive_only: z.boolean().optional(),
  limit: pageLimit.optional(),
  offset: z.number().int().min(0).optional(),
});
/** Body of `services`. */
export const servicesSchema = z.strictObject({ limit: pageLimit.optional(), offset: z.number().int().min(0).optional() });

/** Validates a register body. @throws `invalid_request` */
export function parseRegister(body: unknown): RegisterInput {
  const r = parseWireBody(registerSchema, body);
  return { service: r.service_id as ServiceId, name: r.name, version: r.version, tags: r.tags ?? {}, ttlMs: r.ttl_ms, sharedWith: r.shared_with ?? [] };
}
/** Validates a deregister body. @throws `invalid_request` */
export function parseDeregister(body: unknown): { service: ServiceId; name: string | undefined } {
  const r = parseWireBody(deregisterSchema, body);
  return { service: r.service_id as ServiceId, name: r.name };
}
/** Validates a discover query. @throws `invalid_request` */
export function parseDiscover(body: unknown): DiscoverQuery {
  const r = parseWireBody(discoverSchema, body ?? {});
  return { name: r.name, filter: r.filter, aliveOnly: r.alive_only, limit: r.limit ?? 100, offset: r.offset ?? 0 };
}
/** Validates a services query (every visible registration). @throws `invalid_request` */
export function parseServices(body: unknown): DiscoverQuery {
  const r = parseWireBody(servicesSchema, body ?? {});
  return { limit: r.limit ?? 100, offset: r.offset ?? 0 };
}
