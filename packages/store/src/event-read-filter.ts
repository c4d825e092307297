// Which events a read or a tail selects: tenant, service and type become one subject filter over the events stream.
import { SoloError, eventFilter, isEventType, parseServiceId, parseTenantId } from '@solo/protocol';
import type { ServiceId, Subject, TenantId } from '@solo/protocol';
import { resolveReadWindow } from './read-window.ts';
import type { ResolvedReadWindow } from './read-window.ts';

/** Selects events. An omitted field matches everything; `null` selects node-wide (tenant) or tenant-wide (service) events. */
export interface EventSelector {
  tenant?: string | null;
  service?: string | null;
  /** One event type from EVENT_TYPES. */
  type?: string;
}

/** A selector plus the read window (`sinceSeq`, `sinceTime`, `limit`). */
export interface EventReadFilter extends EventSelector {
  /** First sequence to return (inclusive). */
  sinceSeq?: number;
  /** Only events the log stored at or after this time. */
  sinceTime?: Date;
  /** Most events returned. @default 100, at most 1000 */
  limit?: number;
}

/** Validates a selector and turns it into a subject filter. @throws `invalid_request` for an invalid id or an unknown type. */
export function resolveEventSelector(selector: EventSelector): Subject {
  const parts: { tenant?: TenantId | null; service?: ServiceId | null; type?: string } = {};
  if (selector.tenant !== undefined) parts.tenant = selector.tenant === null ? null : parseTenantId(selector.tenant);
  if (selector.service !== undefined) parts.service = selector.service === null ? null : parseServiceId(selector.service);
  if (selector.type !== undefined) {
    if (!isEventType(selector.type)) {
      throw new SoloError('invalid_request', `Unknown event type '${String(selector.type)}'. Use one of EVENT_TYPES (e.g. 'service_deployed').`, {
        details: { field: 'type' },
      });
    }
    parts.type = selector.type;
  }
  return eventFilter(parts);
}

/** Validates a whole read filter. @throws `invalid_request` as {@link resolveEventSelector} and `resolveReadWindow` do. */
export function resolveEventReadFilter(filter: EventReadFilter): { subject: Subject; window: ResolvedReadWindow } {
  const window = resolveReadWindow(filter);
  return { subject: resolveEventSelector(filter), window };
}
