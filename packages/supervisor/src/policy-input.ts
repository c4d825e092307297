// Field checks for policy and spec inputs, run once at the boundary (resolveChildSpec, resolveTenantPolicy).
// Every failure is a SoloError `invalid_request` that quotes the value and says what is accepted.
import { SoloError } from '@solo/protocol';

/** Throws `invalid_request` unless `input` is a plain object whose keys are all in `allowed`. */
export function checkInputObject(what: string, input: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SoloError(
      'invalid_request',
      `The ${what} must be an object, got ${describe(input)}. Pass an object with the fields ${allowed.join(', ')}.`,
      {
        details: { field: what },
      },
    );
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new SoloError(
        'invalid_request',
        `The ${what} has an unknown field '${key}'. Use only ${allowed.join(', ')}.`,
        {
          details: { field: key },
        },
      );
    }
  }
  return record;
}

/** Throws `invalid_request` unless `value` is an integer in [min, max]. */
export function checkInteger(field: string, value: unknown, bounds: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw outOfRange(field, value, `an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

/** Throws `invalid_request` unless `value` is a finite number in [min, max] (or above min when `exclusiveMin`). */
export function checkNumber(
  field: string,
  value: unknown,
  bounds: { min: number; max: number; exclusiveMin?: boolean },
): number {
  const tooLow = typeof value === 'number' && (bounds.exclusiveMin === true ? value <= bounds.min : value < bounds.min);
  if (typeof value !== 'number' || !Number.isFinite(value) || tooLow || value > bounds.max) {
    const low = bounds.exclusiveMin === true ? `greater than ${bounds.min}` : `from ${bounds.min}`;
    throw outOfRange(field, value, `a number ${low} up to ${bounds.max}`);
  }
  return value;
}

/** Throws `invalid_request` unless `value` is one of `choices`; `label` names the field in the message. */
export function checkChoice<T extends string>(field: string, value: unknown, choices: readonly T[], label = field): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new SoloError(
      'invalid_request',
      `The ${label} ${describe(value)} is not known. Set ${field} to one of: ${choices.join(', ')}.`,
      {
        details: { field, value: jsonSafe(value) },
      },
    );
  }
  return value as T;
}

function outOfRange(field: string, value: unknown, expected: string): SoloError {
  return new SoloError(
    'invalid_request',
    `The ${field} ${describe(value)} is out of range. Set ${field} to ${expected}.`,
    {
      details: { field, value: jsonSafe(value) },
    },
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

// details travel on the wire as JSON: NaN and Infinity would turn into null, objects could be large.
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  return describe(value);
}
