// Compiles a service's TypeScript/JavaScript source into one self-contained ESM module with esbuild,
// rejecting imports (a service reaches the world only through ctx). Called by the deployer.
import { createHash } from 'node:crypto';
import { build, type BuildFailure, type Message, type Plugin } from 'esbuild';
import { MAX_SOURCE_BYTES, SoloError } from '@solo/protocol';

/** The output of {@link compileService}. */
export interface CompiledService {
  /** ESM JavaScript (es2022) with no imports. */
  code: string;
  /** sha256 hex of `code`: the artifact's content address. */
  hash: string;
  /** UTF-8 size of the source that was compiled. */
  sourceBytes: number;
}

/** Options of {@link compileService}. */
export interface CompileServiceOptions {
  /** Shown in findings; its extension picks the loader (.js/.mjs/.cjs → js, anything else → ts). */
  filename: string;
}

/** One finding with a 1-based line and a 1-based column (in characters). */
interface Finding {
  line: number;
  column: number;
  message: string;
}

const DENY_PLUGIN = 'solo-deny-imports';

// Every import reaches onResolve (TypeScript type-only imports are erased before), so the bundler itself finds
// them with exact locations: static imports, `export … from`, `require('x')` and `import('literal')`.
const denyImports: Plugin = {
  name: DENY_PLUGIN,
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => ({
      errors: [{ text: `${args.kind === 'dynamic-import' ? 'dynamic import' : 'import'} of '${args.path}' is not allowed` }],
    }));
  },
};

// A dynamic import of a computed specifier never reaches onResolve. This scan of esbuild's output (comments
// already stripped) may also flag the text "import(" inside a string literal; the AST analysis replaces it.
const DYNAMIC_IMPORT = /\bimport\s*\(/;

function loaderFor(filename: string): 'ts' | 'js' {
  return /\.(c|m)?js$/i.test(filename) ? 'js' : 'ts';
}

/** esbuild columns are 0-based byte offsets into the line; findings use 1-based character columns. */
function toFinding(m: Message): Finding {
  const loc = m.location;
  if (loc === null) return { line: 1, column: 1, message: m.text };
  const chars = Buffer.from(loc.lineText, 'utf8').subarray(0, loc.column).toString('utf8').length;
  return { line: loc.line, column: chars + 1, message: m.text };
}

function locate(source: string, index: number): { line: number; column: number } {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

function isBuildFailure(err: unknown): err is BuildFailure {
  return err instanceof Error && Array.isArray((err as Partial<BuildFailure>).errors);
}

function findingsError(code: 'compile_error' | 'rejected_code', filename: string, findings: Finding[], advice: string): SoloError {
  const first = findings[0] ?? { line: 1, column: 1, message: 'unknown error' };
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : '';
  const what = code === 'compile_error' ? 'does not compile' : 'is rejected';
  return new SoloError(code, `Service source ${what}: ${filename}:${first.line}:${first.column}: ${first.message}${more}. ${advice}`, {
    details: { line: first.line, column: first.column, errors: findings },
  });
}

const IMPORT_ADVICE =
  'A service is a single module: remove the import and reach other services through ctx.call / ctx.cast (type-only imports are fine).';

/**
 * Compiles service source to one ESM module (es2022).
 * @throws `limit_exceeded` when the source exceeds MAX_SOURCE_BYTES; `compile_error` with line:column when it
 * does not parse; `rejected_code` when it imports anything (static, re-export, require or dynamic import).
 */
export async function compileService(source: string, opts: CompileServiceOptions): Promise<CompiledService> {
  const sourceBytes = Buffer.byteLength(source, 'utf8');
  if (sourceBytes > MAX_SOURCE_BYTES) {
    throw new SoloError(
      'limit_exceeded',
      `Service source '${opts.filename}' is ${sourceBytes} bytes, over the limit of ${MAX_SOURCE_BYTES} bytes. Split the logic into several services that talk through ctx.call.`,
      { details: { bytes: sourceBytes, max: MAX_SOURCE_BYTES } },
    );
  }
  let code: string;
  try {
    const result = await build({
      stdin: { contents: source, loader: loaderFor(opts.filename), sourcefile: opts.filename },
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      platform: 'neutral',
      // An explicit empty tsconfig: the output must not depend on whichever tsconfig.json sits near the cwd.
      tsconfigRaw: {},
      legalComments: 'none',
      logLevel: 'silent',
      plugins: [denyImports],
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (err) {
    if (!isBuildFailure(err)) throw new SoloError('internal', 'The compiler failed unexpectedly.', { cause: err });
    const denied = err.errors.filter((m) => m.pluginName === DENY_PLUGIN);
    if (denied.length > 0) throw findingsError('rejected_code', opts.filename, denied.map(toFinding), IMPORT_ADVICE);
    throw findingsError('compile_error', opts.filename, err.errors.map(toFinding), 'Fix the source and deploy again.');
  }
  if (DYNAMIC_IMPORT.test(code)) {
    const at = source.search(DYNAMIC_IMPORT);
    const pos = at >= 0 ? locate(source, at) : { line: 1, column: 1 };
    throw findingsError('rejected_code', opts.filename, [{ ...pos, message: 'dynamic import() is not allowed' }], IMPORT_ADVICE);
  }
  return { code, hash: createHash('sha256').update(code).digest('hex'), sourceBytes };
}
