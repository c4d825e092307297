// Bounded label values of the node's metrics. Only tenant and service ids (validated at the edge) come from
// users; every other label is folded into a fixed set here, so a client cannot grow the series count.
import { isApiVerb, isErrorCode, isEventType, isSoloError, type ApiVerb, type ErrorCode, type EventType } from '@solo/protocol';

/** The doors a request can come through (the `door` label). */
export const DOORS = ['nats', 'grpc', 'rest'] as const;
/** One door. */
export type Door = (typeof DOORS)[number];

/** The `verb` label: a tenant API verb, or 'unknown' for anything else a client sent. */
export type VerbLabel = ApiVerb | 'unknown';
/** The `code` label: 'ok', or the error code the request failed with. */
export type OutcomeLabel = ErrorCode | 'ok';
/** The `type` label of `solo_events_total`. */
export type EventTypeLabel = EventType | 'unknown';

/** Folds a verb as it came off the wire into the bounded verb label. */
export function verbLabel(raw: string | undefined): VerbLabel {
  return isApiVerb(raw) ? raw : 'unknown';
}

/** The code label of a failed request: its Solo error code, or 'internal' for anything unexpected. */
export function errorOutcome(err: unknown): ErrorCode {
  return isSoloError(err) ? err.code : 'internal';
}

/** Folds a code as given by a caller into the bounded code label. */
export function outcomeLabel(code: string): OutcomeLabel {
  return code === 'ok' || isErrorCode(code) ? (code as OutcomeLabel) : 'internal';
}

/** Folds an event type into the bounded event label. */
export function eventTypeLabel(type: string): EventTypeLabel {
  return isEventType(type) ? type : 'unknown';
}
