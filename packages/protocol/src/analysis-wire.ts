// Wire types of the static analysis of service code: the findings a deploy refusal carries in
// `details.findings` and the body of the `validate` verb, which analyses without deploying.

/**
 * Stable ids of the analysis rules; clients and agents switch on them. A retired id is never reused.
 * - `no-eval`: `eval` in any form (direct, indirect, through the global object), `ShadowRealm`, string timers.
 * - `no-function-constructor`: `Function`, `new Function`, and `.constructor` chains that reach it.
 * - `no-import`: static, dynamic and re-export imports, `require`, `import x = require()`.
 * - `no-wasm`: `WebAssembly` anywhere.
 * - `no-host-globals`: Node's globals (`process`, `require`, `module`, `Buffer`, …) and mutation of the global object.
 * - `no-proto-mutation`: `__proto__` writes and mutation of built-ins and their prototypes.
 * - `max-source-size`: the source is larger than the analysis accepts.
 * - `max-nesting`: the syntax tree is deeper than the analysis accepts (200 levels by default; ordinary services
 *   need about 20), or the source nests over about 1000 levels, which is refused before parsing.
 * - `parse-error`: the source does not parse.
 */
export const ANALYSIS_RULES = [
  'no-eval',
  'no-function-constructor',
  'no-import',
  'no-wasm',
  'no-host-globals',
  'no-proto-mutation',
  'max-source-size',
  'max-nesting',
  'parse-error',
] as const;
export type AnalysisRule = (typeof ANALYSIS_RULES)[number];

/** `error`: deploy refuses the code (`rejected_code`); `warning`: reported, deploy goes on. */
export const ANALYSIS_SEVERITIES = ['error', 'warning'] as const;
export type AnalysisSeverity = (typeof ANALYSIS_SEVERITIES)[number];

/** One finding of the analysis, located in the source the agent sent. */
export interface AnalysisFinding {
  rule: AnalysisRule;
  severity: AnalysisSeverity;
  /** What was found, quoting the offending code. */
  message: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units (JavaScript string indices). */
  column: number;
  /** One line saying how to fix it. */
  hint: string;
}

/** Body of the `validate` verb: analyse a service's source without deploying it. */
export interface ValidateRequest {
  /** TypeScript or JavaScript source of the module. */
  source: string;
  /** File name shown in findings; its extension picks the language (.js/.mjs/.cjs → JavaScript). @default 'service.ts' */
  filename?: string;
}

/** Reply of `validate`: `ok` is false when any finding is an `error` (deploy would refuse the code). */
export interface ValidateReply {
  /** False when any finding is an `error` (deploy would refuse the code with `rejected_code`). */
  valid: boolean;
  findings: AnalysisFinding[];
}
