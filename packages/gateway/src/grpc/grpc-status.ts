// The one table from Solo error codes to gRPC status codes, and the translation of any thrown value into the
// gRPC error a handler answers with (status, message as details, the Solo code in trailing metadata).
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { toWireError, type ErrorCode } from '@solo/protocol';

/** Trailing-metadata key carrying the Solo error code of a failed call. */
export const SOLO_CODE_METADATA = 'solo-code';

/** The gRPC status each error code is answered with. Exhaustive: a new code without a status does not compile. */
export const GRPC_STATUS: Readonly<Record<ErrorCode, status>> = {
  invalid_request: status.INVALID_ARGUMENT,
  unauthorized: status.UNAUTHENTICATED,
  forbidden: status.PERMISSION_DENIED,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  compile_error: status.FAILED_PRECONDITION,
  rejected_code: status.FAILED_PRECONDITION,
  limit_exceeded: status.OUT_OF_RANGE,
  rate_limited: status.RESOURCE_EXHAUSTED,
  overloaded: status.RESOURCE_EXHAUSTED,
  timeout: status.DEADLINE_EXCEEDED,
  service_crashed: status.ABORTED,
  unavailable: status.UNAVAILABLE,
  internal: status.INTERNAL,
};

/** The gRPC error for `err`: unexpected errors become `internal` with a generic message, as on every door. */
export function toGrpcError(
  err: unknown,
): Partial<ServiceError> & { code: status; details: string; metadata: Metadata } {
  const wire = toWireError(err);
  const metadata = new Metadata();
  metadata.set(SOLO_CODE_METADATA, wire.code);
  if (wire.details !== undefined) metadata.set('solo-details', JSON.stringify(wire.details));
  return { name: 'SoloError', message: wire.message, code: GRPC_STATUS[wire.code], details: wire.message, metadata };
}
