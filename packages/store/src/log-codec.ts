// How one log line travels in the log stream: its subject and JSON payload on append, and the checked LogEntry on read.
import { SoloError, logSubject, logsStream, parseServiceId, parseTenantId, isValidId } from '@solo/protocol';
import type { LogEntry, Subject } from '@solo/protocol';
import { parseStoredObject } from './stored-json.ts';

/** The levels of a log line, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A log line ready to publish. */
export interface EncodedLogEntry {
  subject: Subject;
  payload: string;
}

/** Validates a log line and builds its subject and payload. @throws `invalid_request` naming the bad field. */
export function encodeLogEntry(entry: Omit<LogEntry, 'seq'>): EncodedLogEntry {
  if (typeof entry !== 'object' || entry === null) {
    throw new SoloError('invalid_request', 'A log entry must be an object with at, tenant, service_id, level and message.');
  }
  const tenant = parseTenantId(entry.tenant);
  const service = parseServiceId(entry.service_id);
  if (!(LOG_LEVELS as readonly string[]).includes(entry.level)) {
    throw new SoloError('invalid_request', `Invalid log level '${String(entry.level)}'. Use one of ${LOG_LEVELS.join(', ')}.`, { details: { field: 'level' } });
  }
  if (typeof entry.message !== 'string' || typeof entry.at !== 'string') {
    throw new SoloError('invalid_request', 'A log entry needs a string message and an ISO-8601 string at.', { details: { field: 'message' } });
  }
  const stored: Omit<LogEntry, 'seq'> = { at: entry.at, tenant, service_id: service, level: entry.level, message: entry.message };
  if (entry.data !== undefined) stored.data = entry.data;
  let payload: string;
  try {
    payload = JSON.stringify(stored);
  } catch (err) {
    throw new SoloError('invalid_request', 'Log data is not JSON-serialisable. Pass plain objects, arrays, strings, numbers, booleans and null.', {
      cause: err,
      details: { field: 'data' },
    });
  }
  return { subject: logSubject(tenant, service), payload };
}

/** Rebuilds a stored log line and stamps its stream sequence. @throws `internal` when the payload is not a log entry. */
export function decodeLogEntry(seq: number, payload: string): LogEntry {
  const v = parseStoredObject(payload, (cause) => corrupt(seq, cause));
  const level = v['level'];
  if (
    !isValidId(v['tenant']) ||
    !isValidId(v['service_id']) ||
    typeof level !== 'string' ||
    !(LOG_LEVELS as readonly string[]).includes(level) ||
    typeof v['message'] !== 'string' ||
    typeof v['at'] !== 'string'
  ) {
    throw corrupt(seq);
  }
  const entry: LogEntry = {
    seq,
    at: v['at'],
    tenant: v['tenant'],
    service_id: v['service_id'],
    level: level as LogEntry['level'],
    message: v['message'],
  };
  if (v['data'] !== undefined) entry.data = v['data'] as LogEntry['data'];
  return entry;
}

function corrupt(seq: number, cause?: unknown): SoloError {
  return new SoloError('internal', `The log entry at seq ${seq} is not a valid log line. Inspect it with \`nats stream get ${logsStream()} ${seq}\`.`, {
    cause,
    details: { seq },
  });
}
