// Compiles a service's TypeScript/JavaScript source into one self-contained ESM module with esbuild,
// rejecting imports (a service reaches the world only through ctx), then runs the static analysis on the
// source (assertCodeAccepted). Called by the deployer for deploy, swap and replace.
import { createHash } from 'node:crypto';
import { build, type BuildFailure, type Message, type Plugin } from 'esbuild';
import { MAX_SOURCE_BYTES, SoloError, isSoloError, type AnalysisFinding } from '@solo/protocol';
import { assertCodeAccepted } from '../analysis/assert-code-accepted.ts';

/** The output of {@link compileService}. */
export interface CompiledService {
  /** ESM JavaScript (es2022) with no imports. */
  code: string;
  /** sha256 hex of `code`: the artifact's content address. */
  hash: string;
  /** UTF-8 size of the source that was compiled. */
  sourceBytes: number;
  /** Warning findings of the static analysis (errors refuse the code instead). */
  warnings: AnalysisFinding[];
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
 * Compiles service source to one ESM module (es2022), then analyses the source (analyzeService).
 * @throws `limit_exceeded` when the source exceeds MAX_SOURCE_BYTES; `compile_error` with line:column when it
 * does not parse; `rejected_code` when it imports anything (static, re-export, require or dynamic import) or
 * when the analysis has an error finding (details also carry `findings`).
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
  // esbuild compiles in its own process while the analysis runs on this thread; esbuild's verdict is read
  // first, so syntax errors and static imports keep esbuild's exact messages, and the analysis adds what a
  // bundler cannot see (a dynamic import of a computed specifier, eval, host globals, …).
  const building = build({
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
  let analysis: { warnings: AnalysisFinding[] } | { refusal: unknown };
  try {
    analysis = { warnings: assertCodeAccepted(source, opts.filename) };
  } catch (err) {
    analysis = { refusal: err };
  }
  let code: string;
  try {
    const result = await building;
    code = result.outputFiles[0]?.text ?? '';
  } catch (err) {
    if (!isBuildFailure(err)) throw new SoloError('internal', 'The compiler failed unexpectedly.', { cause: err });
    const denied = err.errors.filter((m) => m.pluginName === DENY_PLUGIN);
    if (denied.length > 0) {
      // esbuild's message names the import exactly; the findings (with rule ids) are the analysis' when it
      // refused too, else one `no-import` finding per denied import, so every refusal carries its rule.
      const refused = findingsError('rejected_code', opts.filename, denied.map(toFinding), IMPORT_ADVICE);
      const fromAnalysis = 'refusal' in analysis && isSoloError(analysis.refusal) ? analysis.refusal.details?.['findings'] : undefined;
      const findings: AnalysisFinding[] = Array.isArray(fromAnalysis)
        ? (fromAnalysis as AnalysisFinding[])
        : denied.map(toFinding).map((f) => ({ rule: 'no-import', severity: 'error', message: f.message, line: f.line, column: f.column, hint: IMPORT_ADVICE }));
      throw new SoloError('rejected_code', refused.message, { details: { ...refused.details, findings } });
    }
    throw findingsError('compile_error', opts.filename, err.errors.map(toFinding), 'Fix the source and deploy again.');
  }
  if ('refusal' in analysis) throw analysis.refusal;
  return { code, hash: createHash('sha256').update(code).digest('hex'), sourceBytes, warnings: analysis.warnings };
}
