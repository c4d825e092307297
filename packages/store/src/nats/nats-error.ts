// Translates errors thrown by the nats client into SoloError, so no code above src/nats/ sees a raw NATS error.
import { SoloError, isSoloError } from '@solo/protocol';

/** Client error codes that mean "NATS cannot take the request right now": retrying later can succeed. */
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DRAINING',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'DISCONNECT',
  'TIMEOUT',
  '408',
  // No responders: JetStream is not enabled, or no stream captures the subject.
  '503',
]);

/** JetStream API error codes (`err_code`) that mean a Solo stream or consumer is missing. */
const MISSING_RESOURCE = new Set([10059 /* stream not found */, 10014 /* consumer not found */]);

/**
 * Wraps `err` in a SoloError whose message starts with `action` (e.g. "Appending to the event log").
 * A SoloError passes through unchanged. Connection trouble and missing streams become `unavailable`
 * (retryable), an oversized payload `limit_exceeded`, anything else `internal`.
 */
export function toStoreError(err: unknown, action: string): SoloError {
  if (err instanceof SoloError) return err;
  if (isSoloError(err)) return new SoloError(err.code, err.message, { cause: err });
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown; api_error?: { err_code?: unknown; description?: unknown } };
  const code = typeof e.code === 'string' ? e.code : '';
  const apiCode = typeof e.api_error?.err_code === 'number' ? e.api_error.err_code : undefined;
  const description = typeof e.api_error?.description === 'string' ? e.api_error.description : typeof e.message === 'string' ? e.message : String(err);
  const details: Record<string, unknown> = { nats_code: code };
  if (apiCode !== undefined) details['jetstream_code'] = apiCode;
  if (code === 'MAX_PAYLOAD_EXCEEDED') {
    return new SoloError('limit_exceeded', `${action} failed: the message is larger than the NATS max_payload. Send a smaller message.`, {
      cause: err,
      details,
    });
  }
  if (apiCode !== undefined && MISSING_RESOURCE.has(apiCode)) {
    return new SoloError('unavailable', `${action} failed: ${description}. The node creates its streams at start-up (ensureStreams); restart it or check the NATS account.`, {
      cause: err,
      details,
    });
  }
  if (UNAVAILABLE_CODES.has(code)) {
    return new SoloError('unavailable', `${action} failed: NATS did not answer (${description}). Check that NATS is running with JetStream enabled, then retry.`, {
      cause: err,
      details,
    });
  }
  return new SoloError('internal', `${action} failed: ${description}.`, { cause: err, details });
}
