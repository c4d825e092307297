// The one error body of the HTTP door (health, metrics, the REST API and its streams):
// `{ error, message, correlation_id, timestamp, details? }`, with the stable Solo code in `error`.
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

/** The status and body for `err` (anything thrown; unexpected errors become `internal` with a generic message). */
export function httpError(err: unknown, correlationId: string, nowMs: number = Date.now()): { status: number; body: HttpErrorBody } {
  const wire = toWireError(err);
  const body: HttpErrorBody = { error: wire.code, message: wire.message, correlation_id: correlationId, timestamp: new Date(nowMs).toISOString() };
  if (wire.details !== undefined) body.details = wire.details;
  return { status: HTTP_STATUS[wire.code], body };
}
