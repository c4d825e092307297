// The registry of stable error codes, the SoloError class and the one wire shape of an error.
// Codes are a contract that clients, the CLI and agents switch on: never rename or reuse one.

/**
 * Every stable error code, with its one-line meaning and whether retrying the same request can succeed.
 * `reservedFor` marks a code that is part of the contract but not raised yet; it names the issue that will.
 */
export const ERROR_CODES = {
  invalid_request: { meaning: 'The request is malformed: bad JSON, a missing or unknown field, or an invalid id.', retryable: false },
  unauthorized: { meaning: 'No valid credentials were presented (missing, forged, expired or revoked token).', retryable: false },
  forbidden: { meaning: 'The credentials are valid but do not allow this action on this resource.', retryable: false },
  not_found: { meaning: 'The tenant, service, version or other named resource does not exist.', retryable: false },
  already_exists: { meaning: 'A resource with this id already exists.', retryable: false },
  compile_error: { meaning: 'The service source does not compile; details carry line and column.', retryable: false },
  rejected_code: { meaning: 'The service code compiles but breaks the service contract or a code rule.', retryable: false },
  limit_exceeded: { meaning: 'A size, count or resource limit was exceeded.', retryable: false },
  rate_limited: { meaning: 'Too many requests; retry after the hinted delay.', retryable: true },
  overloaded: { meaning: 'The node is shedding load; retry after the hinted delay.', retryable: true },
  timeout: { meaning: 'The operation did not finish within its deadline.', retryable: true },
  service_crashed: { meaning: 'The service crashed while handling the request (throw, CPU or memory limit).', retryable: true },
  unavailable: { meaning: 'The node or service cannot take the request right now (starting, stopping, recovering).', retryable: true },
  internal: { meaning: 'An unexpected failure inside Solo; the node logged the details.', retryable: true },
} as const satisfies Record<string, { meaning: string; retryable: boolean; reservedFor?: string }>;

/** A stable error code, as carried on every door. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The wire shape of an error: `{ code, message, details? }`. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** The reply envelope of every API verb on every door. */
export type WireReply<T> = ({ ok: true } & T) | { ok: false; error: WireError };

/** True when `value` names a registered error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** Every error Solo raises on purpose. Match on `code` (use {@link isSoloError}), never on class or message. */
export class SoloError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = opts.details;
  }
}

/**
 * True when `err` has the shape of a Solo error (a `code` from the registry and a message), optionally with
 * the given code. Works across isolates, processes and the wire, where `instanceof` does not.
 */
export function isSoloError(err: unknown, code?: ErrorCode): err is { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
  if (typeof err !== 'object' || err === null) return false;
  const c = (err as { code?: unknown }).code;
  if (!isErrorCode(c)) return false;
  if (typeof (err as { message?: unknown }).message !== 'string') return false;
  return code === undefined || c === code;
}

/**
 * Turns any thrown value into the wire shape. Unexpected errors become `internal` with a generic message:
 * the caller logs the original locally; its stack never leaves the node.
 */
export function toWireError(err: unknown): WireError {
  if (isSoloError(err)) {
    const wire: WireError = { code: err.code, message: err.message };
    if (err.details !== undefined) wire.details = { ...err.details };
    return wire;
  }
  return { code: 'internal', message: 'An unexpected error occurred inside Solo. The node logged the details; retry, and report it if it persists.' };
}

/** Rebuilds a SoloError from its wire shape (the inverse of {@link toWireError}). */
export function fromWireError(wire: unknown): SoloError {
  if (isSoloError(wire)) {
    const opts: { details?: Record<string, unknown> } = {};
    if (wire.details && typeof wire.details === 'object') opts.details = { ...wire.details };
    return new SoloError(wire.code, wire.message, opts);
  }
  return new SoloError('internal', 'Malformed error reply from Solo.');
}
