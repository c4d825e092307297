// Reads the service source that `solo deploy <file>` names.
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { SoloError } from '@solo/protocol';

/** A source file as read from disk. */
export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** File name without directories, for compile errors. */
  filename: string;
  /** File name without its extension, lower-cased: the default service id. */
  stem: string;
  source: string;
}

/** Reads `file` relative to `baseDir`. @throws `invalid_request` when it cannot be read */
export function readSourceFile(baseDir: string, file: string): SourceFile {
  const path = resolve(baseDir, file);
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new SoloError(
      'invalid_request',
      `Cannot read service file '${file}' (${why}; resolved to ${path}). Pass the path of a .ts or .js module.`,
      {
        details: { field: 'file', path },
      },
    );
  }
  const filename = basename(path);
  return { path, filename, stem: basename(filename, extname(filename)).toLowerCase(), source };
}
