// How audit records travel in the audit stream: each record's subject and JSON on append, batches of them as one
// message (`{"v":2,"records":[…]}`), and the checked records on read, from batches or from the single-record messages
// that versions before batching wrote. Appends must not lose a record over a bad field, so long or odd strings are
// clipped and kept, never rejected.
import { SoloError, auditStream, auditSubject, isValidId } from '@solo/protocol';
import type { AuditRecord, Subject, TenantId } from '@solo/protocol';
import { parseStoredObject } from './stored-json.ts';

/** The doors an audit record can come from. */
export const AUDIT_DOORS = ['nats', 'grpc', 'rest', 'service'] as const;

/**
 * Longest string kept in any field. Verbs, service ids and even tenants can come straight from a caller's subject or
 * request, so a hostile caller must not be able to grow the trail by megabytes per request.
 */
export const MAX_AUDIT_FIELD_CHARS = 256;

/** Version tag of a batch message; a message without `v` is one record, as written before batching. */
export const AUDIT_BATCH_VERSION = 2;

const BATCH_HEAD = `{"v":${AUDIT_BATCH_VERSION},"records":[`;
const BATCH_TAIL = ']}';

/** Bytes a batch message adds around its records (head, tail; the commas are counted per record). */
export const AUDIT_BATCH_OVERHEAD_BYTES = BATCH_HEAD.length + BATCH_TAIL.length;

/** An audit record ready to publish: its subject, and its JSON to put in a batch. */
export interface EncodedAuditRecord {
  subject: Subject;
  payload: string;
}

const clip = (s: string): string => (s.length > MAX_AUDIT_FIELD_CHARS ? `${s.slice(0, MAX_AUDIT_FIELD_CHARS - 1)}…` : s);

/**
 * Checks the field types of a record and builds its subject and payload. A tenant that is not a valid id (a caller
 * may name any tenant in a denied request) is kept in the body and filed under the tenant-less subject.
 * @throws `invalid_request` naming the first field of the wrong type.
 */
export function encodeAuditRecord(r: AuditRecord): EncodedAuditRecord {
  if (typeof r !== 'object' || r === null) {
    throw new SoloError('invalid_request', 'An audit record must be an object with at, door, verb, tenant, token_id, outcome, correlation_id and duration_ms.');
  }
  const bad = (field: string, want: string): SoloError =>
    new SoloError('invalid_request', `Invalid audit record field '${field}': pass ${want}.`, { details: { field } });
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) throw bad('at', 'an ISO-8601 time');
  if (!(AUDIT_DOORS as readonly string[]).includes(r.door)) throw bad('door', `one of ${AUDIT_DOORS.join(', ')}`);
  for (const field of ['verb', 'outcome', 'correlation_id'] as const) {
    if (typeof r[field] !== 'string') throw bad(field, 'a string');
  }
  if (r.tenant !== null && typeof r.tenant !== 'string') throw bad('tenant', 'a string or null');
  if (r.token_id !== null && typeof r.token_id !== 'string') throw bad('token_id', 'a string or null');
  if (typeof r.duration_ms !== 'number' || !Number.isFinite(r.duration_ms) || r.duration_ms < 0) throw bad('duration_ms', 'a number of 0 or more');
  if (r.service_id !== undefined && typeof r.service_id !== 'string') throw bad('service_id', 'a string or nothing');
  const stored: AuditRecord = {
    at: r.at,
    door: r.door,
    verb: clip(r.verb),
    tenant: r.tenant === null ? null : clip(r.tenant),
    token_id: r.token_id === null ? null : clip(r.token_id),
    outcome: clip(r.outcome),
    correlation_id: clip(r.correlation_id),
    duration_ms: r.duration_ms,
  };
  if (r.service_id !== undefined) stored.service_id = clip(r.service_id);
  const tenant = isValidId(r.tenant) ? (r.tenant as TenantId) : null;
  return { subject: auditSubject(tenant), payload: JSON.stringify(stored) };
}

/**
 * Builds the payload of one batch message from records encoded by {@link encodeAuditRecord} (at least one), in order.
 * Joining the JSON already made at append keeps the flush to one string concatenation.
 */
export function encodeAuditBatch(payloads: readonly string[]): string {
  return `${BATCH_HEAD}${payloads.join(',')}${BATCH_TAIL}`;
}

/**
 * Rebuilds the records of one stored message, oldest first: a batch, or a single record written before batching.
 * @throws `internal` when the payload is neither, or any record in it is not an audit record.
 */
export function decodeAuditMessage(seq: number, payload: string): AuditRecord[] {
  const v = parseStoredObject(payload, (cause) => corrupt(seq, undefined, cause));
  if (!('v' in v)) return [toRecord(seq, undefined, v)];
  if (v['v'] !== AUDIT_BATCH_VERSION || !Array.isArray(v['records']) || v['records'].length === 0) throw corrupt(seq);
  return v['records'].map((r: unknown, i) => toRecord(seq, i, r));
}

/** Keeps only the known fields of a stored record. `index` is its place in a batch, for the error. */
function toRecord(seq: number, index: number | undefined, value: unknown): AuditRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(seq, index);
  const v = value as Record<string, unknown>;
  const str = (k: string): boolean => typeof v[k] === 'string';
  const strOrNull = (k: string): boolean => v[k] === null || typeof v[k] === 'string';
  if (
    !str('at') ||
    !(AUDIT_DOORS as readonly unknown[]).includes(v['door']) ||
    !str('verb') ||
    !strOrNull('tenant') ||
    !strOrNull('token_id') ||
    !str('outcome') ||
    !str('correlation_id') ||
    typeof v['duration_ms'] !== 'number' ||
    (v['service_id'] !== undefined && !str('service_id'))
  ) {
    throw corrupt(seq, index);
  }
  const record: AuditRecord = {
    at: v['at'] as string,
    door: v['door'] as AuditRecord['door'],
    verb: v['verb'] as string,
    tenant: v['tenant'] as string | null,
    token_id: v['token_id'] as string | null,
    outcome: v['outcome'] as string,
    correlation_id: v['correlation_id'] as string,
    duration_ms: v['duration_ms'],
  };
  if (v['service_id'] !== undefined) record.service_id = v['service_id'] as string;
  return record;
}

function corrupt(seq: number, index?: number, cause?: unknown): SoloError {
  const what = index === undefined ? `The audit message at seq ${seq}` : `Record ${index} of the audit batch at seq ${seq}`;
  return new SoloError('internal', `${what} is not a valid audit record. Inspect it with \`nats stream get ${auditStream()} ${seq}\`.`, {
    cause,
    details: index === undefined ? { seq } : { seq, index },
  });
}
