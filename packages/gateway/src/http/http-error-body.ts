// The one error body of the HTTP door (health, metrics, the REST API and its streams):
// `{ error, message, correlation_id, timestamp, details? }`, with the stable Solo code in `error`, and the
// `Retry-After` header for errors that hint when to come back (`rate_limited`, `overloaded`, `unavailable`).
import { toWireError, type ErrorCode } from '@solo/protocol';
import { HTTP_STATUS } from './http-status.ts';

/** What every failed HTTP request answers. */
export interface HttpErrorBody {
  /** The stable Solo error code (`docs/errors.md`). */
  error: ErrorCode;
  message: string;
  correlation_id: string;
  /** ISO-8601 time the error was answered. */
  timestamp: string;
  details?: Record<string, unknown>;
}

/** A failed request's answer: status, body and extra headers (`Retry-After`). */
export interface HttpErrorReply {
  status: number;
  body: HttpErrorBody;
  headers: Record<string, string>;
}

/**
 * Whole seconds a client should wait, from `details.retry_after_ms` (rounded up, at least 1); undefined when
 * the error carries no hint.
 */
export function retryAfterSeconds(details: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const ms = details?.['retry_after_ms'];
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return undefined;
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The answer for `err` (anything thrown; unexpected errors become `internal` with a generic message). */
export function httpError(err: unknown, correlationId: string, nowMs: number = Date.now()): HttpErrorReply {
  const wire = toWireError(err);
  const body: HttpErrorBody = { error: wire.code, message: wire.message, correlation_id: correlationId, timestamp: new Date(nowMs).toISOString() };
  if (wire.details !== undefined) body.details = wire.details;
  const headers: Record<string, string> = {};
  const wait = retryAfterSeconds(wire.details);
  if (wait !== undefined) headers['retry-after'] = String(wait);
  return { status: HTTP_STATUS[wire.code], body, headers };
}
