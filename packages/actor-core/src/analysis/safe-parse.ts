// Parses a service module with oxc-parser without ever letting a deeply nested source crash the process:
// the nesting guard clears ordinary sources in one lexical pass, and the Babel depth oracle decides the
// rest before oxc sees them (see nesting-guard.ts for why).
import type { AstNode } from './ast.ts';
import { ORACLE_DEPTH_LIMIT, consultDepthOracle } from './depth-oracle.ts';
import { checkNesting } from './nesting-guard.ts';
import { parseWithOxc, type OxcParse, type OxcRoute } from './oxc-parse.ts';

/** A parsed module, or why there is none (`index`: UTF-16 offset, null when unknown). */
export type SafeParseResult =
  | { kind: 'parsed'; program: AstNode }
  | { kind: 'syntax'; errors: Array<{ index: number; message: string; help: string | null }> }
  | { kind: 'too-deep'; index: number | null };

/**
 * Parses `source` as an ECMAScript module (TypeScript when `typescript`). Never throws on any input.
 * `route`: how oxc hands its tree over (see oxc-parse.ts); only tests force one. @default 'auto'
 */
export function safeParse(source: string, opts: { typescript: boolean; route?: OxcRoute }): SafeParseResult {
  const guard = checkNesting(source);
  if (guard.kind !== 'shallow') {
    const oracle = consultDepthOracle(source, { typescript: opts.typescript, limit: ORACLE_DEPTH_LIMIT });
    if (oracle.kind === 'deep') return { kind: 'too-deep', index: oracle.index ?? (guard.kind === 'deep' ? guard.index : null) };
    if (oracle.kind === 'syntax') return { kind: 'syntax', errors: [{ index: oracle.index, message: oracle.message, help: null }] };
  }
  let result: OxcParse;
  try {
    result = parseWithOxc(source, { typescript: opts.typescript, route: opts.route ?? 'auto' });
  } catch (err) {
    // The binding reports syntax errors as data; a throw means it could not take the input at all.
    return { kind: 'syntax', errors: [{ index: 0, message: `The parser could not read the source: ${err instanceof Error ? err.message : String(err)}`, help: null }] };
  }
  const errors = result.errors.filter((e) => e.severity === 'Error');
  if (errors.length > 0) {
    return {
      kind: 'syntax',
      errors: errors.map((e) => ({ index: e.labels[0]?.start ?? 0, message: e.message, help: e.helpMessage })),
    };
  }
  return { kind: 'parsed', program: result.program };
}
