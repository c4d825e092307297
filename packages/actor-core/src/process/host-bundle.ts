// The program of a sandbox host process: sandbox-host-main.ts and everything it imports, bundled by esbuild into
// one plain JavaScript module, so that a host process starts without a TypeScript loader (loading tsx and
// transforming the sources cost ~0.5 s per start; the bundle loads in a few tens of ms). isolated-vm (a native
// addon) stays outside, imported by absolute path, since the bundle does not live next to node_modules.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** Where the bundle goes and whether the directory is ours to remove. */
export interface HostBundle {
  /** The bundled program, to pass to fork. */
  entry: string;
  /** Removes what {@link writeHostBundle} created in a temporary directory (nothing for a given directory). */
  remove(): void;
}

/**
 * Bundles the sandbox host program and writes it, content-addressed, into `dir` (created 0700 when missing; an
 * unchanged program is reused), or into a new private temporary directory when `dir` is null.
 * @throws `unavailable` when the program cannot be bundled or written.
 */
export async function writeHostBundle(dir: string | null): Promise<HostBundle> {
  let code: Uint8Array;
  try {
    code = await bundle();
  } catch (err) {
    throw new SoloError(
      'unavailable',
      `The sandbox host program could not be bundled: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  try {
    const target = dir ?? mkdtempSync(join(tmpdir(), 'solo-sandbox-host-'));
    if (dir !== null) mkdirSync(dir, { recursive: true, mode: 0o700 });
    assertPrivateDir(target);
    const entry = join(target, `sandbox-host-${hash}.mjs`);
    if (!sameContent(entry, code)) {
      // Written aside and renamed: a host process starting meanwhile never reads half a program.
      const partial = `${entry}.${process.pid}.partial`;
      writeFileSync(partial, code, { mode: 0o600 });
      renameSync(partial, entry);
    }
    return { entry, remove: () => (dir === null ? rmSync(target, { recursive: true, force: true }) : undefined) };
  } catch (err) {
    if (err instanceof SoloError) throw err;
    throw new SoloError(
      'unavailable',
      `The sandbox host program could not be written: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

function sameContent(path: string, code: Uint8Array): boolean {
  try {
    return Buffer.from(code).equals(readFileSync(path));
  } catch {
    return false;
  }
}
