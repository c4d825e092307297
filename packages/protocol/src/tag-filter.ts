// The text form of discovery tags and filters, `role=api,env=prod`, shared by the CLI (`--tag`, `--filter`)
// and the REST door (`GET /registry?filter=`), so both read it the same way.
import { SoloError } from './error-codes.ts';

/** A tag key: letters, digits, `_`, `.` or `-`, 1–63 characters. */
export const TAG_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,63}$/;
/** Longest tag value. */
export const MAX_TAG_VALUE_LENGTH = 256;

/**
 * Parses `k=v` pairs separated by commas (several texts are merged; a later key wins).
 * @throws `invalid_request` naming the pair that is not `key=value` or has a bad key
 */
export function parseTagText(texts: string | readonly string[], field = 'filter'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of typeof texts === 'string' ? [texts] : texts) {
    for (const pair of text.split(',')) {
      if (pair.trim() === '') continue;
      const at = pair.indexOf('=');
      const key = at < 0 ? '' : pair.slice(0, at).trim();
      const value = at < 0 ? '' : pair.slice(at + 1).trim();
      if (!TAG_KEY_PATTERN.test(key) || value.length > MAX_TAG_VALUE_LENGTH) {
        throw new SoloError('invalid_request', `Invalid ${field} '${pair}': write key=value pairs separated by commas, e.g. role=api,env=prod (keys: letters, digits, _ . -).`, {
          details: { field },
        });
      }
      out[key] = value;
    }
  }
  return out;
}
