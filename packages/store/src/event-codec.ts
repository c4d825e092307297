// How one event travels in the events stream: its subject and JSON payload on append, and the checked SoloEvent on read.
import { SoloError, eventSubject, eventsStream, isEventType, isValidId, parseServiceId, parseTenantId } from '@solo/protocol';
import type { EventInput, ServiceId, SoloEvent, Subject, TenantId } from '@solo/protocol';
import { parseStoredObject } from './stored-json.ts';

/** An event ready to publish. */
export interface EncodedEvent {
  subject: Subject;
  payload: string;
  correlationId: string | undefined;
}

/** Validates an event and builds its subject and payload. @throws `invalid_request` naming the bad field. */
export function encodeEvent(event: EventInput): EncodedEvent {
  if (typeof event !== 'object' || event === null) {
    throw new SoloError('invalid_request', 'An event must be an object with type, tenant, service_id, at and data.');
  }
  if (!isEventType(event.type)) {
    throw new SoloError('invalid_request', `Unknown event type '${String(event.type)}'. Use one of EVENT_TYPES from @solo/protocol.`, {
      details: { field: 'type' },
    });
  }
  const tenant: TenantId | null = event.tenant === null ? null : parseTenantId(event.tenant);
  const service: ServiceId | null = event.service_id === null ? null : parseServiceId(event.service_id);
  if (service !== null && tenant === null) {
    throw new SoloError('invalid_request', `Event '${event.type}' names service '${service}' but no tenant. A service event needs its tenant.`, {
      details: { field: 'tenant' },
    });
  }
  if (typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at))) {
    throw new SoloError('invalid_request', `Invalid event time ${JSON.stringify(event.at)}. Pass an ISO-8601 string.`, { details: { field: 'at' } });
  }
  if (event.correlation_id !== undefined && typeof event.correlation_id !== 'string') {
    throw new SoloError('invalid_request', 'Invalid correlation_id: pass a string or leave it out.', { details: { field: 'correlation_id' } });
  }
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
    throw new SoloError('invalid_request', `Event '${event.type}' has no data object. Pass data: {} when there is nothing to add.`, {
      details: { field: 'data' },
    });
  }
  const stored: EventInput = { type: event.type, tenant, service_id: service, at: event.at, data: event.data };
  if (event.correlation_id !== undefined) stored.correlation_id = event.correlation_id;
  let payload: string;
  try {
    payload = JSON.stringify(stored);
  } catch (err) {
    throw new SoloError('invalid_request', `Event '${event.type}' data is not JSON-serialisable. Pass plain objects, arrays, strings, numbers, booleans and null.`, {
      cause: err,
      details: { field: 'data' },
    });
  }
  return { subject: eventSubject(tenant, service, event.type), payload, correlationId: event.correlation_id || undefined };
}

/**
 * Rebuilds a stored event and stamps its stream sequence.
 * @throws `internal` when the stored payload is not an event: the log is the source of truth, so a corrupt
 * entry must stop a replay rather than be skipped silently.
 */
export function decodeEvent(seq: number, payload: string): SoloEvent {
  const v = parseStoredObject(payload, (cause) => corrupt(seq, cause));
  const idOrNull = (x: unknown): boolean => x === null || isValidId(x);
  if (!isEventType(v['type']) || !idOrNull(v['tenant']) || !idOrNull(v['service_id']) || typeof v['at'] !== 'string') throw corrupt(seq);
  const data = v['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw corrupt(seq);
  const event: SoloEvent = {
    seq,
    type: v['type'],
    tenant: v['tenant'] as string | null,
    service_id: v['service_id'] as string | null,
    at: v['at'],
    data: data as Record<string, unknown>,
  };
  if (typeof v['correlation_id'] === 'string') event.correlation_id = v['correlation_id'];
  return event;
}

function corrupt(seq: number, cause?: unknown): SoloError {
  return new SoloError('internal', `The event log entry at seq ${seq} is not a valid event. Inspect it with \`nats stream get ${eventsStream()} ${seq}\` and repair the stream.`, {
    cause,
    details: { seq },
  });
}
