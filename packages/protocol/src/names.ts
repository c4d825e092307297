// The one module that builds every NATS subject, stream, consumer, bucket and LMDB sub-database name.
// No other file in Solo spells 'solo.' or 'SOLO_': build names here so the layout can change in one place.
import type { ServiceId, TenantId } from './ids.ts';
import { isValidId } from './ids.ts';
import { SoloError } from './error-codes.ts';

/** A NATS subject (or subject filter with wildcards) built by this module. */
export type Subject = string & { readonly __brand: 'Subject' };
/** A JetStream stream name. */
export type StreamName = string & { readonly __brand: 'StreamName' };

const subject = (s: string): Subject => s as Subject;

/** The JetStream stream holding the event log (`solo.ev.>`). */
export function eventsStream(): StreamName {
  return 'SOLO_EVENTS' as StreamName;
}
/** The JetStream work-queue stream holding every actor's durable mailbox (`solo.mbox.>`). */
export function mailboxStream(): StreamName {
  return 'SOLO_MAILBOX' as StreamName;
}
/** The age-limited JetStream stream holding service and kernel logs (`solo.log.>`). */
export function logsStream(): StreamName {
  return 'SOLO_LOGS' as StreamName;
}
/** The stream holding dead-lettered casts (`solo.dlq.>`). */
export function deadLetterStream(): StreamName {
  return 'SOLO_DLQ' as StreamName;
}
/** The age- and size-limited stream holding the audit trail, one record per API request (`solo.audit.>`). */
export function auditStream(): StreamName {
  return 'SOLO_AUDIT' as StreamName;
}

/** The subject filter that {@link eventsStream} captures. */
export function eventsStreamSubjects(): Subject {
  return subject('solo.ev.>');
}
/** The subject filter that {@link mailboxStream} captures. */
export function mailboxStreamSubjects(): Subject {
  return subject('solo.mbox.>');
}
/** The subject filter that {@link logsStream} captures. */
export function logsStreamSubjects(): Subject {
  return subject('solo.log.>');
}
/** The subject filter that {@link deadLetterStream} captures. */
export function deadLetterStreamSubjects(): Subject {
  return subject('solo.dlq.>');
}
/** The subject filter that {@link auditStream} captures. */
export function auditStreamSubjects(): Subject {
  return subject('solo.audit.>');
}

/** Durable name of the consumer through which one node reads the mailboxes it owns. */
export function mailboxConsumerName(nodeId: string): string {
  if (!isValidId(nodeId)) throw new SoloError('invalid_request', `Invalid node id '${nodeId}': node ids follow the id pattern [a-z0-9][a-z0-9_-]{0,62}.`);
  return `solo_mbox_${nodeId}`;
}

/** The control-plane subject of one tenant's API verb: `solo.t.<tenant>.api.<verb>`. */
export function tenantApiSubject(tenant: TenantId, verb: string): Subject {
  return subject(`solo.t.${tenant}.api.${verb}`);
}
/** The filter the NATS door subscribes to for every tenant's API verbs. */
export function tenantApiWildcard(): Subject {
  return subject('solo.t.*.api.*');
}
/** The operator's API subject: `solo.admin.api.<verb>`. */
export function adminApiSubject(verb: string): Subject {
  return subject(`solo.admin.api.${verb}`);
}
/** The filter for every operator verb. */
export function adminApiWildcard(): Subject {
  return subject('solo.admin.api.*');
}
/** The subject on which a service answers calls: `solo.t.<tenant>.svc.<service>`. */
export function serviceSubject(tenant: TenantId, service: ServiceId): Subject {
  return subject(`solo.t.${tenant}.svc.${service}`);
}
/** The filter the NATS door subscribes to for every service call. */
export function serviceWildcard(): Subject {
  return subject('solo.t.*.svc.*');
}
/** Queue group shared by every node's doors, so that one node answers each request. */
export function doorQueueGroup(): string {
  return 'solo_doors';
}
/** One actor's durable mailbox subject: `solo.mbox.<tenant>.<service>`. */
export function mailboxSubject(tenant: TenantId, service: ServiceId): Subject {
  return subject(`solo.mbox.${tenant}.${service}`);
}
/** Where casts that crashed their actor too often are moved: `solo.dlq.<tenant>.<service>`. */
export function deadLetterSubject(tenant: TenantId, service: ServiceId): Subject {
  return subject(`solo.dlq.${tenant}.${service}`);
}
/** A filter over the dead-letter stream: one tenant's dead letters, of one service or (omitted) of all. */
export function deadLetterFilter(filter: { tenant: TenantId; service?: ServiceId }): Subject {
  return subject(`solo.dlq.${filter.tenant}.${filter.service ?? '*'}`);
}
/** An event's subject: `solo.ev.<tenant>.<service or _>.<type>` (`_` marks tenant-wide and node events). */
export function eventSubject(tenant: TenantId | null, service: ServiceId | null, type: string): Subject {
  return subject(`solo.ev.${tenant ?? '_'}.${service ?? '_'}.${type}`);
}
/** A filter over the event log; an omitted part matches everything. */
export function eventFilter(filter: { tenant?: TenantId | null; service?: ServiceId | null; type?: string }): Subject {
  const t = filter.tenant === undefined ? '*' : (filter.tenant ?? '_');
  const s = filter.service === undefined ? '*' : (filter.service ?? '_');
  return subject(`solo.ev.${t}.${s}.${filter.type ?? '*'}`);
}
/** A log line's subject: `solo.log.<tenant>.<service>`. */
export function logSubject(tenant: TenantId, service: ServiceId): Subject {
  return subject(`solo.log.${tenant}.${service}`);
}
/** A filter over the log stream; an omitted part matches everything. */
export function logFilter(filter: { tenant?: TenantId; service?: ServiceId }): Subject {
  return subject(`solo.log.${filter.tenant ?? '*'}.${filter.service ?? '*'}`);
}

/**
 * An audit record's subject: `solo.audit.<tenant>`, or `solo.audit._` for a record without a (valid) tenant such as
 * an operator verb. `_` cannot collide with a tenant: ids start with a letter or digit.
 */
export function auditSubject(tenant: TenantId | null): Subject {
  return subject(`solo.audit.${tenant ?? '_'}`);
}
/** A filter over the audit stream: one tenant's records, `null` for those without a tenant, omitted for all. */
export function auditFilter(tenant?: TenantId | null): Subject {
  return tenant === undefined ? subject('solo.audit.>') : auditSubject(tenant);
}

/** Splits `solo.t.<tenant>.api.<verb>`; null when the subject has another shape. Ids are not validated here. */
export function parseTenantApiSubject(s: string): { tenant: string; verb: string } | null {
  const p = s.split('.');
  if (p.length !== 5 || p[0] !== 'solo' || p[1] !== 't' || p[3] !== 'api') return null;
  return { tenant: p[2] as string, verb: p[4] as string };
}
/** Splits `solo.admin.api.<verb>`; null when the subject has another shape. */
export function parseAdminApiSubject(s: string): { verb: string } | null {
  const p = s.split('.');
  if (p.length !== 4 || p[0] !== 'solo' || p[1] !== 'admin' || p[2] !== 'api') return null;
  return { verb: p[3] as string };
}
/** Splits `solo.t.<tenant>.svc.<service>`; null when the subject has another shape. */
export function parseServiceSubject(s: string): { tenant: string; service: string } | null {
  const p = s.split('.');
  if (p.length !== 5 || p[0] !== 'solo' || p[1] !== 't' || p[3] !== 'svc') return null;
  return { tenant: p[2] as string, service: p[4] as string };
}
/** Splits `solo.mbox.<tenant>.<service>`; null when the subject has another shape. */
export function parseMailboxSubject(s: string): { tenant: string; service: string } | null {
  const p = s.split('.');
  if (p.length !== 4 || p[0] !== 'solo' || p[1] !== 'mbox') return null;
  return { tenant: p[2] as string, service: p[3] as string };
}
/** Splits `solo.ev.<tenant>.<service>.<type>`; `_` parts come back as null. */
export function parseEventSubject(s: string): { tenant: string | null; service: string | null; type: string } | null {
  const p = s.split('.');
  if (p.length !== 5 || p[0] !== 'solo' || p[1] !== 'ev') return null;
  const orNull = (v: string): string | null => (v === '_' ? null : v);
  return { tenant: orNull(p[2] as string), service: orNull(p[3] as string), type: p[4] as string };
}
/** Splits `solo.log.<tenant>.<service>`. */
export function parseLogSubject(s: string): { tenant: string; service: string } | null {
  const p = s.split('.');
  if (p.length !== 4 || p[0] !== 'solo' || p[1] !== 'log') return null;
  return { tenant: p[2] as string, service: p[3] as string };
}

/** JetStream KV bucket of discovery records. */
export function registryBucket(): string {
  return 'solo_registry';
}
/** JetStream KV bucket of actor placement leases. */
export function placementBucket(): string {
  return 'solo_placement';
}

/** Names of the LMDB sub-databases of a node's local store. */
export const LMDB_DBS = {
  /** sha256 hex → compiled artifact bytes and metadata. */
  artifacts: 'artifacts',
  /** `<tenant>/<service>` → the deployed service record (spec, version history). */
  services: 'services',
  /** `<tenant>/<service>` → actor state snapshot and last applied mailbox sequence. */
  snapshots: 'snapshots',
  /** event sequence → kernel state checkpoint. */
  checkpoints: 'checkpoints',
  /** node-local metadata (node id, schema version). */
  meta: 'meta',
  /** `<tenant>/<service>/<timer id>` → a durable timer (due time and message). */
  timers: 'timers',
  /** `k/<tenant>` → the tenant's wrapped data key; `s/<tenant>/<name>` → one encrypted secret (issue #5). */
  vault: 'vault',
} as const;
/** The name of one LMDB sub-database. */
export type LmdbDbName = (typeof LMDB_DBS)[keyof typeof LMDB_DBS];

/** NATS header names Solo reads and writes. */
export const HEADERS = {
  correlationId: 'Solo-Correlation-Id',
  token: 'Solo-Token',
  eventType: 'Solo-Event-Type',
  followHeartbeat: 'Solo-Follow-Heartbeat',
  /** Set on the last message of a follow that the node ended (shutdown, stream gone); the body is a wire error or empty. */
  followEnd: 'Solo-Follow-End',
  /** Deadline of a service call through the NATS service subject, in ms (1–300000). @default 5000 */
  timeoutMs: 'Solo-Timeout-Ms',
  streamSeq: 'Solo-Seq',
  /** W3C trace context (OpenTelemetry): the caller's span, so one trace follows a request across doors. */
  traceparent: 'traceparent',
  /** W3C trace context: vendor state that travels with `traceparent`. */
  tracestate: 'tracestate',
} as const;
