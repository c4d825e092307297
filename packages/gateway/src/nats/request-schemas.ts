// Wire request validation for the NATS door: strict schemas (unknown fields are errors), turned into the
// kernel's resolved inputs. Every failure is `invalid_request` naming the field.
import { z } from 'zod';
import { MAX_SOURCE_BYTES, RESTART_TYPES, SERVICE_LIMITS, SERVICE_LOG_LEVELS, SERVICE_STATUSES, SoloError, isEventType, parseServiceId, type Json, type ServiceLimits } from '@solo/protocol';
import type { DeployInput, EventsQuery, KillInput, ListQuery, LogsQuery } from '@solo/kernel';
import { supervisionFields, supervisionOptions } from './supervision-schemas.ts';

/** A service id field: validated with the protocol's rules, failing with their message. */
export const serviceId = z.string().transform((s, ctx) => {
  try {
    return parseServiceId(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
const json: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));
const seq = z.number().int().min(1);
const pageLimit = z.number().int().min(1).max(1000);

const deploy = z.strictObject({
  service_id: serviceId,
  source: z.string().min(1, 'source is empty'),
  filename: z.string().min(1).max(255).optional(),
  args: json.optional(),
  // Every limit of SERVICE_LIMITS; the kernel checks the bounds (resolveServiceLimits).
  limits: z.strictObject(Object.fromEntries(Object.keys(SERVICE_LIMITS).map((k) => [k, z.number().optional()])) as Record<keyof ServiceLimits, z.ZodOptional<z.ZodNumber>>).optional(),
  restart: z.enum(RESTART_TYPES).optional(),
  durable: z.boolean().optional(),
  log_level: z.enum(SERVICE_LOG_LEVELS).optional(),
  ...supervisionFields,
});
const kill = z.strictObject({ service_id: serviceId, force: z.boolean().optional(), timeout_ms: z.number().int().min(0).max(300_000).optional() });
const ref = z.strictObject({ service_id: serviceId });
const list = z.strictObject({ status: z.enum(SERVICE_STATUSES).optional(), limit: pageLimit.optional(), offset: z.number().int().min(0).optional() });
const call = z.strictObject({ service_id: serviceId, message: json, timeout_ms: z.number().int().min(1).max(300_000).optional() });
const cast = z.strictObject({ service_id: serviceId, message: json });
const eventType = z.string().refine(isEventType, { message: 'unknown event type' });
const events = z.strictObject({
  service_id: serviceId.optional(),
  type: eventType.optional(),
  since_seq: seq.optional(),
  since_time: z.iso.datetime({ offset: true }).optional(),
  limit: pageLimit.optional(),
});
const logs = z.strictObject({ service_id: serviceId.optional(), since_seq: seq.optional(), limit: pageLimit.optional() });
const follow = z.strictObject({
  inbox: z.string().min(1).max(255).regex(/^[A-Za-z0-9_.-]+$/, 'inbox must be a plain NATS subject without wildcards'),
  service_id: serviceId.optional(),
  type: eventType.optional(),
  since_seq: seq.optional(),
});
const followStop = z.strictObject({ follow_id: z.string().min(1).max(100) });
const empty = z.strictObject({});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue?.path.join('.') || '(body)';
  let msg = issue?.message ?? 'invalid request';
  if (issue?.code === 'unrecognized_keys') msg = `unknown field(s): ${issue.keys.join(', ')}`;
  throw new SoloError('invalid_request', `Invalid request: ${path === '(body)' ? '' : `${path}: `}${msg}.`, { details: { field: path } });
}

/** Validates a deploy body into the kernel's input. */
export function parseDeploy(body: unknown): DeployInput {
  const r = parse(deploy, body);
  if (Buffer.byteLength(r.source, 'utf8') > MAX_SOURCE_BYTES) {
    throw new SoloError('limit_exceeded', `Service source is ${Buffer.byteLength(r.source, 'utf8')} bytes; the limit is ${MAX_SOURCE_BYTES} (1 MiB). Split the service or trim it.`, {
      details: { bytes: Buffer.byteLength(r.source, 'utf8'), max: MAX_SOURCE_BYTES },
    });
  }
  return {
    service: r.service_id,
    source: r.source,
    filename: r.filename ?? `${r.service_id}.ts`,
    args: r.args ?? null,
    limits: r.limits,
    restart: r.restart ?? 'permanent',
    durable: r.durable ?? false,
    logLevel: r.log_level ?? 'debug',
    supervision: supervisionOptions(r),
  };
}
/** Validates a kill body. */
export function parseKill(body: unknown): KillInput {
  const r = parse(kill, body);
  return { service: r.service_id, force: r.force ?? false, timeoutMs: r.timeout_ms };
}
/** Validates a `{ service_id }` body. */
export function parseRef(body: unknown): { service: ReturnType<typeof parseServiceId> } {
  return { service: parse(ref, body).service_id };
}
/** Validates a list query. */
export function parseList(body: unknown): ListQuery {
  const r = parse(list, body ?? {});
  return { status: r.status, limit: r.limit ?? 100, offset: r.offset ?? 0 };
}
/** Validates a call body. */
export function parseCall(body: unknown): { service: ReturnType<typeof parseServiceId>; message: Json; timeoutMs: number } {
  const r = parse(call, body);
  return { service: r.service_id, message: r.message, timeoutMs: r.timeout_ms ?? 5000 };
}
/** Validates a cast body. */
export function parseCast(body: unknown): { service: ReturnType<typeof parseServiceId>; message: Json } {
  const r = parse(cast, body);
  return { service: r.service_id, message: r.message };
}
/** Validates an events query. */
export function parseEvents(body: unknown): EventsQuery {
  const r = parse(events, body ?? {});
  const q: EventsQuery = {};
  if (r.service_id) q.service = r.service_id;
  if (r.type) q.type = r.type;
  if (r.since_seq) q.sinceSeq = r.since_seq;
  if (r.since_time) q.sinceTime = new Date(r.since_time);
  if (r.limit) q.limit = r.limit;
  return q;
}
/** Validates a logs query. */
export function parseLogs(body: unknown): LogsQuery {
  const r = parse(logs, body ?? {});
  const q: LogsQuery = {};
  if (r.service_id) q.service = r.service_id;
  if (r.since_seq) q.sinceSeq = r.since_seq;
  if (r.limit) q.limit = r.limit;
  return q;
}
/** Validates a follow request. */
export function parseFollow(body: unknown): z.infer<typeof follow> {
  return parse(follow, body);
}
/** Validates a follow_stop request. */
export function parseFollowStop(body: unknown): { follow_id: string } {
  return parse(followStop, body);
}
/** Validates an empty body (health). */
export function parseEmpty(body: unknown): void {
  parse(empty, body ?? {});
}

/** Validates `body` against a strict schema; the door's other schema files use it. @throws `invalid_request` */
export const parseWireBody = parse;

/** The wire schemas themselves, for documents generated from them (the REST door's `/openapi.json`). */
export const REQUEST_SCHEMAS = { deploy, kill, ref, list, call, cast, events, logs } as const;
