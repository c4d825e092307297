// Collects findings while the rules run: locates them, gives each rule's fix hint, and keeps one finding
// per rule and position, errors first.
import type { AnalysisFinding, AnalysisRule, AnalysisSeverity } from '@solo/protocol';
import { LineIndex } from './line-index.ts';

/** The one-line fix an agent can act on, per rule (a rule may give a more precise one). */
export const RULE_HINTS: Readonly<Record<AnalysisRule, string>> = {
  'no-eval': 'Remove eval and code built from strings: parse data with JSON.parse and write the logic as ordinary functions.',
  'no-function-constructor':
    'Do not build functions from strings or reach Function through `.constructor`: write the function directly (compare types with instanceof or ===).',
  'no-import':
    'A service is a single module: remove the import and reach other services through ctx.call / ctx.cast (type-only imports are fine).',
  'no-wasm': 'WebAssembly is not available to services: implement the logic in TypeScript.',
  'no-host-globals':
    "Services run in an isolate without Node's globals: use ctx (ctx.log, ctx.call, ctx.setTimer, ctx.self), Uint8Array instead of Buffer, and keep data in the state your handlers return, not on the global object.",
  'no-proto-mutation': 'Do not change built-ins or prototypes: write a helper function (or a subclass) instead.',
  'max-source-size': 'Split the logic into several services that talk through ctx.call.',
  'max-nesting': 'Flatten the code: move nested parts into named functions, and build deep data at run time instead of writing it literally.',
  'parse-error': 'Fix the syntax at this position: the file must be a valid TypeScript (or, for .js files, JavaScript) module.',
};

/** Accumulates findings of one analysis. */
export class FindingCollector {
  readonly #source: string;
  /** Built on the first finding: most sources have none. */
  #lines: LineIndex | null = null;
  readonly #findings: AnalysisFinding[] = [];

  constructor(source: string) {
    this.#source = source;
  }

  report(rule: AnalysisRule, severity: AnalysisSeverity, offset: number, message: string, hint: string = RULE_HINTS[rule]): void {
    this.#lines ??= new LineIndex(this.#source);
    const { line, column } = this.#lines.locate(offset);
    this.#findings.push({ rule, severity, message, line, column, hint });
  }

  get size(): number {
    return this.#findings.length;
  }

  /** Findings in source order, one per rule and position (an error wins over a warning). */
  finish(): AnalysisFinding[] {
    const sorted = [...this.#findings].sort(
      (a, b) => a.line - b.line || a.column - b.column || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
    );
    const seen = new Set<string>();
    return sorted.filter((f) => {
      const key = `${f.rule}@${f.line}:${f.column}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
