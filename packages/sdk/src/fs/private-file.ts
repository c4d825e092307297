// Files that hold secrets (credentials, tokens): written atomically with mode 0600 and never over an existing
// file unless asked; read only when no one but the owner can read them, as ssh treats a private key.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SoloError } from '@solo/protocol';

/** Mode of every file the SDK writes secrets to: read and write for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/** What {@link writePrivateFile} does when the file exists. */
export interface WritePrivateFileOptions {
  /** Replace an existing file (atomically). @default false: refuse with `already_exists` */
  force?: boolean;
  /** How the file is named in messages, e.g. 'credentials file'. @default 'file' */
  what?: string;
}

function mode(m: number): string {
  return `0${(m & 0o777).toString(8)}`;
}

function fsyncDir(path: string): void {
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Why a file operation failed, in words (no stack, no secret). */
function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (err as Error).message;
}

/**
 * Writes `text` to `path` with mode 0600: a temp file in the same directory, fsynced, then linked (or, with
 * `force`, renamed) into place, so a crash never leaves a half-written file and a reader never sees one.
 * @throws `already_exists` when `path` exists and `force` is not set; `invalid_request` when it cannot be written
 */
export function writePrivateFile(path: string, text: string, opts: WritePrivateFileOptions = {}): void {
  const what = opts.what ?? 'file';
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (opts.force === true) {
      renameSync(tmp, path);
    } else {
      // link() fails with EEXIST instead of replacing: the no-clobber check and the write are one step.
      linkSync(tmp, path);
      rmSync(tmp, { force: true });
    }
    fsyncDir(path);
  } catch (err) {
    rmSync(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SoloError('already_exists', `The ${what} ${path} already exists. Pass --force (option force) to replace it, or choose another path.`, {
        details: { path },
      });
    }
    throw new SoloError('invalid_request', `Cannot write the ${what} ${path} (${reason(err)}). Check that its directory exists and is writable.`, {
      cause: err,
      details: { path },
    });
  }
}

/**
 * Reads a file that holds a secret. Refuses one that its group or others may read or write, as ssh refuses an
 * unprotected private key: the secret may already have leaked, and using it silently would hide that.
 * @throws `invalid_request` (details.path) when it is missing, unreadable, not a file, or too widely readable
 */
export function readPrivateFile(path: string, what = 'file'): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new SoloError('invalid_request', `Cannot read the ${what} ${path} (${reason(err)}). Check the path.`, { cause: err, details: { path } });
  }
  try {
    // fstat on the open descriptor: the file checked is the file read, even if the path is swapped meanwhile.
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SoloError('invalid_request', `The ${what} ${path} is not a regular file.`, { details: { path } });
    if ((st.mode & 0o077) !== 0) {
      throw new SoloError(
        'invalid_request',
        `The ${what} ${path} is accessible by other users (mode ${mode(st.mode)}), so its secrets may have leaked; Solo refuses it, as ssh refuses an unprotected key. Run \`chmod 600 ${path}\` if you trust it, or ask for new credentials.`,
        { details: { path, mode: mode(st.mode) } },
      );
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
