// The size of a message as serialized JSON (UTF-8 bytes), compared with a byte limit on the call and cast
// paths. Pure. Most messages are far under their limit, so a cheap upper bound settles them without
// serializing; only a message whose bound reaches the limit is serialized and counted exactly.

/** Nesting walked by the upper bound; deeper values are serialized instead. */
const MAX_BOUND_DEPTH = 32;
/** The longest JSON of a number (e.g. `-1.7976931348623157e+308`), boolean or null. */
const MAX_SCALAR_JSON = 24;
/** A UTF-16 code unit is at most 6 bytes of JSON (`\u0000`), 3 of them UTF-8 when written out plainly. */
const MAX_BYTES_PER_UNIT = 6;

/** The UTF-8 size of `value` as JSON when it is over `limitBytes`, else null. */
export function jsonBytesOver(value: unknown, limitBytes: number): number | null {
  if (boundLeft(value, limitBytes, 0) >= 0) return null;
  const text = JSON.stringify(value) ?? 'null';
  if (text.length * 3 <= limitBytes) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limitBytes ? bytes : null;
}

/**
 * What is left of `left` bytes after an upper bound of `value`'s JSON; negative when the bound does not fit
 * (or the value is too deep to walk), which only means "count exactly".
 */
function boundLeft(value: unknown, left: number, depth: number): number {
  if (typeof value === 'string') return left - value.length * MAX_BYTES_PER_UNIT - 2;
  if (typeof value !== 'object' || value === null) return left - MAX_SCALAR_JSON;
  if (depth >= MAX_BOUND_DEPTH) return -1;
  let rest = left - 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && rest >= 0; i++) rest = boundLeft(value[i], rest - 1, depth + 1);
    return rest;
  }
  for (const key in value) {
    rest = boundLeft((value as Record<string, unknown>)[key], rest - key.length * MAX_BYTES_PER_UNIT - 4, depth + 1);
    if (rest < 0) return rest;
  }
  return rest;
}
