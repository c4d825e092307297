// How one audit record travels in the audit stream: its subject and JSON payload on append, the checked record on read.
// Appends must not lose a record over a bad field, so long or odd strings are clipped and kept, never rejected.
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

/** An audit record ready to publish. */
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

/** Rebuilds a stored record, keeping only the known fields. @throws `internal` when the payload is not an audit record. */
export function decodeAuditRecord(seq: number, payload: string): AuditRecord {
  const v = parseStoredObject(payload, (cause) => corrupt(seq, cause));
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
    throw corrupt(seq);
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

function corrupt(seq: number, cause?: unknown): SoloError {
  return new SoloError('internal', `The audit record at seq ${seq} is not a valid audit record. Inspect it with \`nats stream get ${auditStream()} ${seq}\`.`, {
    cause,
    details: { seq },
  });
}
