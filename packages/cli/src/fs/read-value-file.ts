// Reads the file `solo secrets set --from-file` names: its exact text, never quoted in an error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SoloError } from '@solo/protocol';

/** Reads `file` (relative to `baseDir`) as UTF-8. @throws `invalid_request` naming the path when it cannot be read */
export function readValueFile(baseDir: string, file: string, flag: string): string {
  const path = resolve(baseDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new SoloError('invalid_request', `Cannot read ${flag} '${file}' (${why}; resolved to ${path}).`, { details: { field: flag, path } });
  }
}
