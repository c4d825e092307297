// The program of a sandbox host process: sandbox-host-main.ts and everything it imports, bundled by esbuild into
// one plain JavaScript module, so that a host process starts without a TypeScript loader (loading tsx and
// transforming the sources cost ~0.5 s per start; the bundle loads in a few tens of ms). isolated-vm (a native
// addon) stays outside, imported by absolute path, since the bundle does not live next to node_modules.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { SoloError } from '@solo/protocol';

const ENTRY = fileURLToPath(new URL('./sandbox-host-main.ts', import.meta.url));

/** Resolves `isolated-vm` to its absolute path, kept external (native code is loaded, not bundled). */
function externalIsolatedVm(): Plugin {
  const path = createRequire(import.meta.url).resolve('isolated-vm');
  return {
    name: 'solo-isolated-vm-external',
    setup(b) {
      b.onResolve({ filter: /^isolated-vm$/ }, () => ({ path, external: true }));
    },
  };
}

/** Bundles the host program into memory. */
async function bundle(): Promise<Uint8Array> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [externalIsolatedVm()],
  });
  const file = out.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output for the sandbox host program');
  return file.contents;
}

/** A directory only this user can write: anything else could swap the program a host process runs. */
function assertPrivateDir(dir: string): void {
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new SoloError(
      'unavailable',
      `The sandbox host program cannot be written to ${dir}: it must be a directory owned by this user and writable by nobody else.`,
    );
  }
}

/** Where the host program goes by default: one directory per user in the system's temporary directory. */
export function defaultBundleDir(): string {
  return join(tmpdir(), `solo-sandbox-host-${process.getuid?.() ?? 'user'}`);
}

/**
 * Bundles the sandbox host program and writes it, content-addressed, into `dir` (an unchanged program is
 * reused; several nodes may share the directory). Directory 0755 and file 0644, writable by this user only:
 * host processes that run as an unprivileged user must be able to read it, nobody else to change it.
 * @returns the path of the program.
 * @throws `unavailable` when the program cannot be bundled or written, or `dir` is not this user's alone.
 */
export async function writeHostBundle(dir: string): Promise<string> {
  let code: Uint8Array;
  try {
    code = await bundle();
  } catch (err) {
    throw new SoloError('unavailable', `The sandbox host program could not be bundled: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    assertPrivateDir(dir);
    // Searchable by others (an earlier version made it 0700), still writable by this user only.
    if ((lstatSync(dir).mode & 0o755) !== 0o755) chmodSync(dir, 0o755);
    const entry = join(dir, `sandbox-host-${hash}.mjs`);
    if (!sameContent(entry, code)) {
      // Written aside and renamed: a host process starting meanwhile never reads half a program.
      const partial = `${entry}.${process.pid}.partial`;
      writeFileSync(partial, code, { mode: 0o644 });
      renameSync(partial, entry);
    } else if ((lstatSync(entry).mode & 0o644) !== 0o644) chmodSync(entry, 0o644);
    return entry;
  } catch (err) {
    if (err instanceof SoloError) throw err;
    throw new SoloError('unavailable', `The sandbox host program could not be written: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function sameContent(path: string, code: Uint8Array): boolean {
  try {
    return Buffer.from(code).equals(readFileSync(path));
  } catch {
    return false;
  }
}
