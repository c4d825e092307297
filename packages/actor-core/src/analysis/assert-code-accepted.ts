// The deploy gate: runs analyzeService on a service's source and turns its error findings into the
// SoloError deploy answers with. Called by compileService, so deploy, swap and replace all pass through it.
import { SoloError } from '@solo/protocol';
import { analyzeService, type Finding } from './analyze-service.ts';

/** How many findings the error message spells out; `details.findings` has them all. */
const LISTED_FINDINGS = 3;

function describe(filename: string, f: Finding): string {
  return `${filename}:${f.line}:${f.column} ${f.rule}: ${f.message} (${f.hint.replace(/\.$/, '')})`;
}

/**
 * Analyses `source` and returns its warnings when it may be deployed.
 * @throws `rejected_code` when a finding is an error (message: the first findings as
 * `file:line:col rule: message (hint)`; details `{ line, column, errors: [{ line, column, message }], findings }`);
 * `compile_error` with the same details when the only errors are `parse-error` findings.
 */
export function assertCodeAccepted(source: string, filename: string): Finding[] {
  const report = analyzeService(source, { filename });
  const errors = report.findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return report.findings;
  const first = errors[0] as Finding;
  const onlyParse = errors.every((f) => f.rule === 'parse-error');
  const listed = errors.slice(0, LISTED_FINDINGS).map((f) => describe(filename, f)).join('; ');
  const more = errors.length > LISTED_FINDINGS ? ` (and ${errors.length - LISTED_FINDINGS} more)` : '';
  const details = {
    line: first.line,
    column: first.column,
    errors: errors.map((f) => ({ line: f.line, column: f.column, message: `${f.rule}: ${f.message}` })),
    findings: report.findings,
  };
  if (onlyParse) {
    throw new SoloError('compile_error', `Service source does not compile: ${listed}${more}. Fix the source and deploy again.`, { details });
  }
  throw new SoloError(
    'rejected_code',
    `Service source is rejected by the static analysis: ${listed}${more}. Fix every error finding (see details.findings) and deploy again.`,
    { details },
  );
}
