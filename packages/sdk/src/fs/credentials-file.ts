// Reads and writes a Solo credentials file: the JSON document `solo tenant create` writes (mode 0600) and
// `--credentials` / `SOLO_CREDENTIALS` / the `credentials` option of connectSolo read.
import { SoloError } from '@solo/protocol';
import type { SoloCredentials } from '@solo/protocol';
import { parseSoloCredentials } from '../credentials.ts';
import { readPrivateFile, writePrivateFile } from './private-file.ts';

const WHAT = 'credentials file';

/**
 * Reads and checks a credentials file.
 * @throws `invalid_request` (details.field `credentials`) when the file is missing, unreadable, readable by
 * other users (mode wider than 0600: run `chmod 600`), not JSON, or not Solo credentials
 */
export function readCredentialsFile(path: string): SoloCredentials {
  let text: string;
  try {
    text = readPrivateFile(path, WHAT);
  } catch (err) {
    if (err instanceof SoloError) throw new SoloError(err.code, err.message, { cause: err.cause, details: { field: 'credentials', ...err.details } });
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message may quote the text, which holds secrets: say only where it broke.
    throw new SoloError('invalid_request', `The ${WHAT} ${path} is not valid JSON. Use the file \`solo tenant create\` wrote, unmodified.`, {
      details: { field: 'credentials', path },
    });
  }
  return parseSoloCredentials(value, `The ${WHAT} ${path}`);
}

/**
 * Writes `creds` to `path` (mode 0600, atomically).
 * @throws `already_exists` when the file exists and `force` is not set; `invalid_request` for credentials that
 * do not pass the shape check or a path that cannot be written
 */
export function writeCredentialsFile(path: string, creds: SoloCredentials, opts: { force?: boolean } = {}): void {
  // Checked before writing: a file that cannot be read back is worse than no file.
  const clean = parseSoloCredentials(creds, 'The credentials to write');
  writePrivateFile(path, `${JSON.stringify(clean, null, 2)}\n`, { force: opts.force === true, what: WHAT });
}
