// Decodes the reply envelope every door sends: `{ ok: true, ...reply }` or `{ ok: false, error }`.
import { SoloError, fromWireError, isSoloError } from '@solo/protocol';
import type { AnalysisFinding } from '@solo/protocol';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the reply body without its `ok` flag.
 * @throws the SoloError the node sent when `ok` is false; `internal` when the text is not a reply envelope.
 */
export function unwrapReply<T>(text: string): T {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new SoloError(
      'internal',
      `The node sent a reply that is not JSON (${text.length} bytes). Check that the NATS URL points at a Solo node.`,
      {
        cause: err,
      },
    );
  }
  if (!isRecord(body) || typeof body['ok'] !== 'boolean') {
    throw new SoloError(
      'internal',
      'The node sent a reply without a boolean `ok` field. Check that the NATS URL points at a Solo node of a compatible version.',
    );
  }
  if (body['ok'] === false) throw fromWireError(body['error']);
  const { ok: _ok, ...reply } = body;
  return reply as T;
}

/**
 * Decodes the reply of `validate` (`{ ok: true, valid, findings }`), checking that it carries its findings.
 * @throws as {@link unwrapReply}; `internal` when the findings are missing
 */
export function unwrapValidateReply(text: string): { findings: AnalysisFinding[] } {
  const reply = unwrapReply<{ findings?: unknown }>(text);
  if (!Array.isArray(reply.findings)) {
    throw new SoloError('internal', 'The node sent a validate reply without a findings list. Check that the node runs a compatible Solo version.');
  }
  return { findings: reply.findings as AnalysisFinding[] };
}

/** Copies a Solo error with `correlation_id` added to its details, unless it already has one; other values pass. */
export function withCorrelationId(err: unknown, correlationId: string): unknown {
  if (!isSoloError(err) || (err.details && 'correlation_id' in err.details)) return err;
  const cause = err instanceof Error ? err.cause : undefined;
  return new SoloError(err.code, err.message, { cause, details: { ...err.details, correlation_id: correlationId } });
}
