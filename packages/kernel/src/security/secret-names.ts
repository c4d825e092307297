// What the vault accepts: secret names, secret values and how many secrets a tenant may keep. Checked once,
// before the vault touches the store, so bad input never leaves a half-written secret.
import { SoloError } from '@solo/protocol';

/** Largest secret value, in UTF-8 bytes; a larger one is refused with `limit_exceeded`. */
export const MAX_SECRET_BYTES = 64 * 1024;
/** Most secrets one tenant may keep; creating one more is refused with `limit_exceeded`. */
export const MAX_SECRETS_PER_TENANT = 1000;
/** Longest secret name, in characters. */
export const MAX_SECRET_NAME_CHARS = 128;

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const NAME_RULE = `a letter, then up to ${MAX_SECRET_NAME_CHARS - 1} ASCII letters, digits, '_' or '-' (e.g. STRIPE_API_KEY)`;

/** Quotes a rejected name for a message: JSON escapes control characters, and long names are cut. */
function quote(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}

/** Which rule `name` breaks, in words; only called when the pattern did not match. */
function brokenRule(name: string): string {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_SECRET_NAME_CHARS) return `it is ${name.length} characters long; the limit is ${MAX_SECRET_NAME_CHARS}`;
  if (name.includes('/')) return "it contains '/', and names are not paths";
  if (name.includes('..')) return "it contains '..', and names are not paths";
  if (name.includes('.')) return "it contains '.'";
  if (name.includes('*') || name.includes('>')) return "it contains a wildcard ('*' or '>')";
  if (/\s/.test(name)) return 'it contains whitespace';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (/[^ -~]/.test(name)) return 'it contains a non-ASCII character';
  if (!/^[A-Za-z]/.test(name)) return 'it does not start with a letter';
  return 'it contains a character other than letters, digits, _ and -';
}

/**
 * Validates a secret name against `^[A-Za-z][A-Za-z0-9_-]{0,127}$`.
 * @throws `invalid_request` naming the rule the name breaks.
 */
export function parseSecretName(name: unknown): string {
  if (typeof name !== 'string') {
    throw new SoloError('invalid_request', `Invalid secret name of type ${name === null ? 'null' : typeof name}: pass a string that is ${NAME_RULE}.`, {
      details: { field: 'name' },
    });
  }
  if (!NAME_PATTERN.test(name)) {
    throw new SoloError('invalid_request', `Invalid secret name ${quote(name)}: ${brokenRule(name)}. A secret name is ${NAME_RULE}.`, {
      details: { field: 'name' },
    });
  }
  return name;
}

/**
 * Validates a secret value: a string of at most {@link MAX_SECRET_BYTES} UTF-8 bytes. Messages never quote
 * the value. Returns its size in bytes.
 * @throws `invalid_request` when it is not a string; `limit_exceeded` when it is too large.
 */
export function checkSecretValue(value: unknown): number {
  if (typeof value !== 'string') {
    throw new SoloError('invalid_request', `Invalid secret value of type ${value === null ? 'null' : typeof value}: a secret value is a string (encode binary data as base64).`, {
      details: { field: 'value' },
    });
  }
  const size = Buffer.byteLength(value, 'utf8');
  if (size > MAX_SECRET_BYTES) {
    throw new SoloError('limit_exceeded', `The secret value is ${size} bytes; the limit is ${MAX_SECRET_BYTES} bytes (UTF-8). Store a smaller value, e.g. a key or a URL rather than a file.`, {
      details: { field: 'value', size_bytes: size, limit_bytes: MAX_SECRET_BYTES },
    });
  }
  return size;
}
