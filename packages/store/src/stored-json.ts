// The first step of every codec that reads back what a stream stored: the payload must be a JSON object.
import type { SoloError } from '@solo/protocol';

/**
 * Parses a stored payload that must be a JSON object.
 * @throws what `corrupt` makes (each codec names its own stream) when it is not JSON or not an object
 */
export function parseStoredObject(payload: string, corrupt: (cause?: unknown) => SoloError): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    throw corrupt(err);
  }
  if (typeof value !== 'object' || value === null) throw corrupt();
  return value as Record<string, unknown>;
}
