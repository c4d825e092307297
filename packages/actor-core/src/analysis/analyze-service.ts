// analyzeService: the static analysis of service code, run on every deploy before the code is stored
// (defence in depth: the isolate sandbox must hold anyway). Parses the module, walks it once, and runs
// every rule; see `ANALYSIS_RULES` in @solo/protocol for the rule ids.
import { SoloError, type AnalysisFinding } from '@solo/protocol';
import { field, text, unwrap, type AstNode } from './ast.ts';
import { ORACLE_DEPTH_LIMIT } from './depth-oracle.ts';
import { FindingCollector, RULE_HINTS } from './findings.ts';
import { checkNoEval } from './rules/no-eval.ts';
import { checkNoFunctionConstructor } from './rules/no-function-constructor.ts';
import { checkNoHostGlobals } from './rules/no-host-globals.ts';
import { checkNoImport } from './rules/no-import.ts';
import { checkNoProtoMutation } from './rules/no-proto-mutation.ts';
import { checkNoWasm } from './rules/no-wasm.ts';
import type { Rule, RuleContext } from './rules/rule-context.ts';
import type { OxcRoute } from './oxc-parse.ts';
import { safeParse } from './safe-parse.ts';
import { walkService, type Visit } from './service-walker.ts';
import { memberName } from './static-value.ts';
import { BUILTINS, GLOBAL_OBJECT_NAMES, HOST_GLOBALS, ValueKinds, kindOfGlobalName } from './value-kinds.ts';

/** One finding: rule id, severity, message, 1-based line and column, and a one-line fix. */
export type Finding = AnalysisFinding;

/** The result of {@link analyzeService}. */
export interface AnalysisReport {
  /** False when any finding is an `error` (deploy refuses the code). */
  ok: boolean;
  findings: Finding[];
  /** Time the analysis took. */
  duration_ms: number;
}

/** Options of {@link analyzeService}. */
export interface AnalyzeServiceOptions {
  /** Shown in findings; its extension picks the language (.js/.mjs/.cjs → JavaScript, anything else → TypeScript). */
  filename: string;
  /** Largest source (UTF-8 bytes) analysed; larger ones get a `max-source-size` error. @default 262144 (256 KiB) */
  maxSourceBytes?: number;
  /** Deepest syntax tree accepted (nodes from the module down), at most 1000; deeper gets `max-nesting`. @default 200 */
  maxDepth?: number;
}

/** {@link AnalyzeServiceOptions} with defaults applied. */
export interface ResolvedAnalyzeServiceOptions {
  filename: string;
  maxSourceBytes: number;
  maxDepth: number;
  typescript: boolean;
}

export const DEFAULT_ANALYSIS_MAX_SOURCE_BYTES = 256 * 1024;
export const DEFAULT_ANALYSIS_MAX_DEPTH = 200;

const RULES: readonly Rule[] = [checkNoEval, checkNoFunctionConstructor, checkNoImport, checkNoWasm, checkNoHostGlobals, checkNoProtoMutation];

/**
 * Validates {@link AnalyzeServiceOptions}.
 * @throws `invalid_request` when filename is empty, maxSourceBytes is not a positive integer, or maxDepth is not an
 * integer from 16 to 1000.
 */
export function resolveAnalyzeServiceOptions(opts: AnalyzeServiceOptions): ResolvedAnalyzeServiceOptions {
  if (typeof opts.filename !== 'string' || opts.filename.length === 0) {
    throw new SoloError('invalid_request', 'analyzeService needs a filename (e.g. "service.ts"); its extension picks TypeScript or JavaScript.');
  }
  const maxSourceBytes = opts.maxSourceBytes ?? DEFAULT_ANALYSIS_MAX_SOURCE_BYTES;
  if (!Number.isInteger(maxSourceBytes) || maxSourceBytes <= 0) {
    throw new SoloError('invalid_request', `maxSourceBytes must be a positive integer, got ${String(opts.maxSourceBytes)}.`, { details: { maxSourceBytes: opts.maxSourceBytes } });
  }
  const maxDepth = opts.maxDepth ?? DEFAULT_ANALYSIS_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 16 || maxDepth > ORACLE_DEPTH_LIMIT) {
    throw new SoloError('invalid_request', `maxDepth must be an integer from 16 to ${ORACLE_DEPTH_LIMIT}, got ${String(opts.maxDepth)}.`, { details: { maxDepth: opts.maxDepth } });
  }
  return { filename: opts.filename, maxSourceBytes, maxDepth, typescript: !/\.(c|m)?js$/i.test(opts.filename) };
}

function oneLine(source: string, node: AstNode): string {
  const text = source.slice(node.start, Math.min(node.end, node.start + 60)).replace(/\s+/g, ' ');
  return node.end - node.start > 60 ? `${text}…` : text;
}

function runAnalysis(source: string, opts: ResolvedAnalyzeServiceOptions, findings: FindingCollector, route: OxcRoute): void {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > opts.maxSourceBytes) {
    findings.report('max-source-size', 'error', 0, `The source is ${bytes} bytes, over the limit of ${opts.maxSourceBytes} bytes.`);
    return;
  }
  const parsed = safeParse(source, { typescript: opts.typescript, route });
  if (parsed.kind === 'too-deep') {
    findings.report('max-nesting', 'error', parsed.index ?? 0, `The code is nested too deeply to analyse (over ${ORACLE_DEPTH_LIMIT} levels).`);
    return;
  }
  if (parsed.kind === 'syntax') {
    for (const e of parsed.errors.slice(0, 10)) findings.report('parse-error', 'error', e.index, e.message, e.help ?? RULE_HINTS['parse-error']);
    return;
  }
  const walk = walkService(parsed.program, source, { maxDepth: opts.maxDepth });
  if (walk.tooDeep !== null) {
    findings.report('max-nesting', 'error', walk.tooDeep.start, `The syntax tree is nested deeper than ${opts.maxDepth} levels here.`);
  }
  const ctx: RuleContext = {
    kinds: new ValueKinds(walk.visits),
    valueNames: walk.valueNames,
    typescript: opts.typescript,
    source,
    quote: (node) => oneLine(source, node),
    report: (rule, severity, node, message, hint) => findings.report(rule, severity, node.start, message, hint),
  };
  for (const visit of walk.visits) if (mayMatter(visit, ctx)) for (const rule of RULES) rule(visit, ctx);
}

/** Member names a rule looks at whatever the object is. */
const WATCHED_MEMBERS = new Set(['constructor', '__proto__', 'WebAssembly']);
/** Every global name some rule looks at (see kindOfGlobalName). */
const WATCHED_NAMES: ReadonlySet<string> = new Set([...GLOBAL_OBJECT_NAMES, ...HOST_GLOBALS, ...BUILTINS, 'eval', 'Function', 'ShadowRealm', 'WebAssembly']);
/** Callees a rule looks at by name. */
const WATCHED_CALLEES = new Set(['require', 'setTimeout', 'setInterval', 'setImmediate']);

/**
 * False for the nodes no rule can report: most identifiers are locals, most members read a field of a local
 * (`state.count`), most calls call user code. Only a cheap filter: the rules decide.
 */
function mayMatter(visit: Visit, ctx: RuleContext): boolean {
  const node = visit.node;
  switch (node.type) {
    case 'Identifier': {
      // The hottest line of the dispatch: most identifiers are locals and fields.
      const name = (node as { name?: unknown }).name;
      return typeof name === 'string' && (WATCHED_NAMES.has(name) || ctx.kinds.isAlias(name));
    }
    case 'MemberExpression': {
      const name = memberName(node);
      if (name !== null && WATCHED_MEMBERS.has(name)) return true;
      const object = field(node, 'object');
      return object !== null && ctx.kinds.of(object, visit.scope) !== null;
    }
    case 'CallExpression':
    case 'NewExpression': {
      const callee = field(node, 'callee');
      if (callee === null) return false;
      const c = unwrap(callee);
      if (c.type === 'Identifier') {
        const name = text(c, 'name') ?? '';
        return WATCHED_CALLEES.has(name) || kindOfGlobalName(name) !== null || ctx.kinds.isAlias(name);
      }
      if (ctx.kinds.of(c, visit.scope) !== null) return true;
      const object = c.type === 'MemberExpression' ? field(c, 'object') : null;
      return object !== null && ctx.kinds.of(object, visit.scope) !== null;
    }
  }
  return true;
}

/**
 * Analyses a service's source without running it: parse errors, imports, eval and the Function constructor,
 * WebAssembly, Node's globals, changes to the global object and to built-ins, size and nesting limits.
 * Never throws on any source (a source that does not parse is a `parse-error` finding).
 * @throws `invalid_request` on bad options (see {@link resolveAnalyzeServiceOptions}).
 */
export function analyzeService(source: string, opts: AnalyzeServiceOptions): AnalysisReport {
  return analyzeServiceVia('auto', source, opts);
}

/**
 * {@link analyzeService} with the route of oxc's tree to JavaScript forced (see oxc-parse.ts): tests use it
 * to prove both routes give the same findings. Not exported by the package.
 * @throws `invalid_request` on bad options.
 */
export function analyzeServiceVia(route: OxcRoute, source: string, opts: AnalyzeServiceOptions): AnalysisReport {
  const resolved = resolveAnalyzeServiceOptions(opts);
  if (typeof source !== 'string') throw new SoloError('invalid_request', 'analyzeService needs the source as a string.');
  const t0 = performance.now();
  const findings = new FindingCollector(source);
  runAnalysis(source, resolved, findings, route);
  const list = findings.finish();
  return { ok: !list.some((f) => f.severity === 'error'), findings: list, duration_ms: performance.now() - t0 };
}
