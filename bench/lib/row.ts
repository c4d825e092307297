// A row of the results table and its verdict: a measurement checked against a target, beside the baseline
// measured in the same run. Suites emit RowInput; the runner turns it into a Row with ratio and verdict.
import { hasNumber, primaryValue, type Measurement, type Unit } from './measurement.ts';

/** Which number of a measurement a target check reads. */
export type Stat = 'p50' | 'p99' | 'value';

/** One check of a target: an absolute ceiling, or a ceiling as a multiple of the baseline's same stat. */
export type TargetCheck = { stat: Stat; max: number } | { stat: Stat; maxTimesBaseline: number };

/** What a row must reach; all checks must hold for `pass`. */
export interface Target {
  /** Unit of the absolute ceilings in `checks`. */
  unit: Unit;
  checks: readonly TargetCheck[];
}

/** A baseline a row is compared with: a named building block measured in the same run. */
export interface BaselineRef {
  name: string;
  measurement: Measurement;
}

/** What a suite emits for one measure. */
export interface RowInput {
  measure: string;
  result: Measurement | null;
  /** Omitted for informational rows. */
  target?: Target;
  baseline?: BaselineRef | null;
  note?: string;
}

/**
 * `pass`/`short`: the target held or not; `info`: nothing to reach; `quick`: --quick run, no timing verdicts;
 * `no number`: the measure produced no number (the run exits non-zero).
 */
export type Verdict = 'pass' | 'short' | 'info' | 'quick' | 'no number';

/** A finished row of the table. */
export interface Row {
  suite: string;
  measure: string;
  result: Measurement | null;
  target: Target | null;
  baseline: BaselineRef | null;
  /** result / baseline on their primary numbers (p50, else the value). */
  ratio: number | null;
  verdict: Verdict;
  note: string | null;
}

function statOf(m: Measurement, stat: Stat): number | null {
  return stat === 'p50' ? m.p50 : stat === 'p99' ? m.p99 : m.value;
}

function checkHolds(check: TargetCheck, result: Measurement, baseline: BaselineRef | null): boolean | null {
  const actual = statOf(result, check.stat);
  if (actual === null) return null;
  if ('max' in check) return actual <= check.max;
  const base = baseline ? statOf(baseline.measurement, check.stat) : null;
  if (base === null) return null;
  return actual <= base * check.maxTimesBaseline;
}

/** Completes a suite's row: computes the ratio and the verdict. */
export function finishRow(suite: string, input: RowInput, opts: { quick: boolean }): Row {
  const result = input.result;
  const baseline = input.baseline ?? null;
  const target = input.target ?? null;
  let ratio: number | null = null;
  if (result && baseline) {
    const a = primaryValue(result);
    const b = primaryValue(baseline.measurement);
    if (a !== null && b !== null && b > 0) ratio = a / b;
  }
  let verdict: Verdict;
  if (!hasNumber(result) || !result) verdict = 'no number';
  else if (opts.quick) verdict = 'quick';
  else if (!target) verdict = 'info';
  else {
    const holds = target.checks.map((c) => checkHolds(c, result, baseline));
    // A relative target whose baseline is missing cannot be judged: that is a missing number, not a pass.
    verdict = holds.includes(null) ? 'no number' : holds.every(Boolean) ? 'pass' : 'short';
  }
  return { suite, measure: input.measure, result, target, baseline, ratio, verdict, note: input.note ?? null };
}

/** The row of a measure that a suite declared but never emitted (it threw or stopped early). */
export function missingRow(suite: string, measure: string, reason: string, target?: Target): Row {
  return { suite, measure, result: null, target: target ?? null, baseline: null, ratio: null, verdict: 'no number', note: reason };
}
