// The one table from error codes to HTTP statuses, shared by every route of the HTTP door (and the REST API
// that lands on the same server later). Exhaustive: a new code without a status does not compile.
import type { ErrorCode } from '@solo/protocol';

/** The HTTP status each error code is answered with. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  compile_error: 422,
  rejected_code: 422,
  limit_exceeded: 413,
  rate_limited: 429,
  overloaded: 503,
  timeout: 504,
  service_crashed: 502,
  unavailable: 503,
  internal: 500,
};
