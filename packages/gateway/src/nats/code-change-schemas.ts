// Wire validation of the code-change verbs (swap, replace, rollback, history), turned into kernel inputs.
import { z } from 'zod';
import { DEFAULT_ROLLBACK_WINDOW_MS, MAX_ROLLBACK_WINDOW_MS, MAX_SOURCE_BYTES, SoloError, type ServiceId } from '@solo/protocol';
import type { ReplaceInput, RollbackInput, SwapInput } from '@solo/kernel';
import { parseWireBody, serviceId } from './request-schemas.ts';

const source = z.string().min(1, 'source is empty');
const filename = z.string().min(1).max(255).optional();

const swap = z.strictObject({
  service_id: serviceId,
  source,
  filename,
  rollback_window_ms: z
    .number()
    .int('rollback_window_ms must be a whole number of ms')
    .min(0, 'rollback_window_ms must be >= 0')
    .max(MAX_ROLLBACK_WINDOW_MS, `rollback_window_ms must be at most ${MAX_ROLLBACK_WINDOW_MS} (1 h)`)
    .optional(),
});
const replace = z.strictObject({ service_id: serviceId, source, filename });
const rollback = z.strictObject({ service_id: serviceId, to_version: z.number().int('to_version must be a version number').min(1, 'to_version must be >= 1').optional() });

function checkSize(text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SOURCE_BYTES) {
    throw new SoloError('limit_exceeded', `Service source is ${bytes} bytes; the limit is ${MAX_SOURCE_BYTES} (1 MiB). Split the service or trim it.`, {
      details: { bytes, max: MAX_SOURCE_BYTES },
    });
  }
}

/** Validates a swap body. @throws `invalid_request`, `limit_exceeded` */
export function parseSwap(body: unknown): SwapInput {
  const r = parseWireBody(swap, body);
  checkSize(r.source);
  return { service: r.service_id, source: r.source, filename: r.filename ?? `${r.service_id}.ts`, rollbackWindowMs: r.rollback_window_ms ?? DEFAULT_ROLLBACK_WINDOW_MS };
}

/** Validates a replace body. @throws `invalid_request`, `limit_exceeded` */
export function parseReplace(body: unknown): ReplaceInput {
  const r = parseWireBody(replace, body);
  checkSize(r.source);
  return { service: r.service_id, source: r.source, filename: r.filename ?? `${r.service_id}.ts` };
}

/** Validates a rollback body. @throws `invalid_request` */
export function parseRollback(body: unknown): RollbackInput {
  const r = parseWireBody(rollback, body);
  return { service: r.service_id, toVersion: r.to_version };
}

/** Validates a history body (`{ service_id }`). @throws `invalid_request` */
export function parseHistory(body: unknown): { service: ServiceId } {
  return { service: parseWireBody(z.strictObject({ service_id: serviceId }), body).service_id };
}

/** The wire schemas themselves, for documents generated from them (the REST door's `/openapi.json`). */
export const CODE_CHANGE_SCHEMAS = { swap, replace, rollback } as const;
