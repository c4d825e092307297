// Where a command writes a secret (credentials, a token): the path resolved from where the user ran the
// command, and refused up front when it exists, so nothing is created on the node whose secret then has
// nowhere to go.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SoloError } from '@solo/protocol';

/**
 * Resolves `file` from `baseDir`. Unless `force`, refuses a path that exists.
 * @throws `already_exists` naming --force
 */
export function resolveOutputFile(baseDir: string, file: string, opts: { force: boolean; what: string }): string {
  const path = resolve(baseDir, file);
  if (!opts.force && existsSync(path)) {
    throw new SoloError('already_exists', `The ${opts.what} ${path} already exists. Pass --force to replace it, or --out <file> to write elsewhere.`, {
      details: { field: '--out', path },
    });
  }
  return path;
}

/** True when `path` exists (a file the command is about to update). */
export function fileExists(path: string): boolean {
  return existsSync(path);
}
