// Client-side validation of requests, run before anything is sent so a bad id never reaches the wire.
import { MAX_SOURCE_BYTES, SoloError, parseServiceId } from '@solo/protocol';
import type { DeployRequest, EventsRequest, FollowRequest, KillRequest, LogsRequest, ServiceId, ValidateRequest } from '@solo/protocol';
import { checkTimeout } from './connection-options.ts';

/** Validates a deploy request. @throws `invalid_request` (bad id, missing source), `limit_exceeded` (source too big). */
export function checkDeployRequest(req: DeployRequest): DeployRequest {
  parseServiceId(req.service_id);
  if (typeof req.source !== 'string') {
    throw new SoloError(
      'invalid_request',
      `Deploy of '${req.service_id}' has no source: pass the module text as \`source\`.`,
      { details: { field: 'source' } },
    );
  }
  const bytes = new TextEncoder().encode(req.source).byteLength;
  if (bytes > MAX_SOURCE_BYTES) {
    throw new SoloError(
      'limit_exceeded',
      `Source of '${req.service_id}' is ${bytes} bytes; the limit is ${MAX_SOURCE_BYTES}. Split the module or remove bundled data.`,
      {
        details: { field: 'source', bytes, limit: MAX_SOURCE_BYTES },
      },
    );
  }
  return req;
}

/** Validates the service id and source of a swap or replace, like a deploy's. @throws as {@link checkDeployRequest} */
export function checkCodeRequest<R extends { service_id: string; source: string }>(req: R): R {
  checkDeployRequest({ service_id: req.service_id, source: req.source });
  return req;
}

/** Validates a kill request. @throws `invalid_request` for a bad id or timeout. */
export function checkKillRequest(req: KillRequest): KillRequest {
  parseServiceId(req.service_id);
  if (req.timeout_ms !== undefined) checkTimeout(req.timeout_ms, 'timeout_ms');
  return req;
}

/** Validates the optional service filter of events, logs and follows. @throws `invalid_request` for a bad id. */
export function checkServiceFilter<R extends EventsRequest | LogsRequest | Omit<FollowRequest, 'inbox'>>(req: R): R {
  if (req.service_id !== undefined) parseServiceId(req.service_id);
  return req;
}

/** Validates the target of call, cast and status. @throws `invalid_request` for a bad id. */
export function checkServiceId(value: string): ServiceId {
  return parseServiceId(value);
}

/**
 * Validates the body of `validate`: a source within the deploy size limit, and an optional file name.
 * @throws `invalid_request` (no source, bad file name), `limit_exceeded` (source too big)
 */
export function checkValidateRequest(source: string, filename?: string): ValidateRequest {
  if (typeof source !== 'string') {
    throw new SoloError('invalid_request', 'validate needs the module text as `source` (a string).', { details: { field: 'source' } });
  }
  const bytes = new TextEncoder().encode(source).byteLength;
  if (bytes > MAX_SOURCE_BYTES) {
    throw new SoloError('limit_exceeded', `The source is ${bytes} bytes; the limit is ${MAX_SOURCE_BYTES}. Split the module or remove bundled data.`, {
      details: { field: 'source', bytes, limit: MAX_SOURCE_BYTES },
    });
  }
  const req: ValidateRequest = { source };
  if (filename !== undefined) {
    if (typeof filename !== 'string' || filename.trim() === '' || filename.length > 255) {
      throw new SoloError('invalid_request', 'filename must be a non-empty string of at most 255 characters, e.g. counter.ts.', { details: { field: 'filename' } });
    }
    req.filename = filename;
  }
  return req;
}
