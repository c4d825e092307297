// How one dead-lettered cast travels in the dead-letter stream: its JSON payload on publish, and the checked DeadLetter on read.
import { SoloError, deadLetterStream, isErrorCode, isValidId } from '@solo/protocol';
import type { Json, WireError } from '@solo/protocol';

/** A cast that crashed its actor too often, as the kernel hands it over. */
export interface DeadLetterInput {
  /** The cast's message. */
  message: Json;
  /** Mailbox stream sequence the cast had. */
  seq: number;
  /** Why its last attempt failed. */
  reason: WireError;
  /** How many times it was delivered. */
  attempts: number;
}

/** A dead letter as read back. */
export interface DeadLetter extends DeadLetterInput {
  /** Sequence in the dead-letter stream. */
  dead_letter_seq: number;
  tenant: string;
  service_id: string;
  /** ISO-8601 time at which the dead-letter stream stored it. */
  at: string;
}

/** Validates a dead letter and builds its payload. @throws `invalid_request` naming the bad field. */
export function encodeDeadLetter(tenant: string, service: string, entry: DeadLetterInput): string {
  if (typeof entry !== 'object' || entry === null) {
    throw new SoloError('invalid_request', 'A dead letter must be an object with message, seq, reason and attempts.');
  }
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) {
    throw new SoloError('invalid_request', `Invalid dead-letter seq ${String(entry.seq)}: pass the cast's mailbox sequence.`, { details: { field: 'seq' } });
  }
  if (!Number.isSafeInteger(entry.attempts) || entry.attempts < 0) {
    throw new SoloError('invalid_request', `Invalid attempts ${String(entry.attempts)}: pass a whole number of 0 or more.`, { details: { field: 'attempts' } });
  }
  if (typeof entry.reason !== 'object' || entry.reason === null || !isErrorCode(entry.reason.code) || typeof entry.reason.message !== 'string') {
    throw new SoloError('invalid_request', 'Invalid dead-letter reason: pass a wire error { code, message } (see toWireError).', { details: { field: 'reason' } });
  }
  try {
    return JSON.stringify({ tenant, service_id: service, message: entry.message, seq: entry.seq, reason: entry.reason, attempts: entry.attempts });
  } catch (err) {
    throw new SoloError('invalid_request', 'The dead-lettered message is not JSON-serialisable.', { cause: err, details: { field: 'message' } });
  }
}

/** Rebuilds a stored dead letter. @throws `internal` when the payload is not a dead letter. */
export function decodeDeadLetter(deadLetterSeq: number, storedAtMs: number, payload: string): DeadLetter {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    throw corrupt(deadLetterSeq, err);
  }
  if (typeof value !== 'object' || value === null) throw corrupt(deadLetterSeq);
  const v = value as Record<string, unknown>;
  const reason = v['reason'] as Record<string, unknown> | null | undefined;
  if (
    !isValidId(v['tenant']) ||
    !isValidId(v['service_id']) ||
    typeof v['seq'] !== 'number' ||
    typeof v['attempts'] !== 'number' ||
    !('message' in v) ||
    typeof reason !== 'object' ||
    reason === null ||
    !isErrorCode(reason['code']) ||
    typeof reason['message'] !== 'string'
  ) {
    throw corrupt(deadLetterSeq);
  }
  return {
    dead_letter_seq: deadLetterSeq,
    tenant: v['tenant'],
    service_id: v['service_id'],
    at: new Date(storedAtMs).toISOString(),
    message: v['message'] as Json,
    seq: v['seq'],
    reason: reason as unknown as WireError,
    attempts: v['attempts'],
  };
}

function corrupt(seq: number, cause?: unknown): SoloError {
  return new SoloError('internal', `The dead letter at seq ${seq} is not valid. Inspect it with \`nats stream get ${deadLetterStream()} ${seq}\`.`, {
    cause,
    details: { seq },
  });
}
