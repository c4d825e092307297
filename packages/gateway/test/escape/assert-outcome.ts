// Checks what a case got against the outcome it must get, and names that outcome for the test's title.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';
import type { CaseProbe } from './case-probe.ts';
import type { EscapeCase, Outcome } from './escape-case.ts';
import type { CaseRun } from './run-case.ts';

type Details = Record<string, unknown>;

function errorOf(a: Record<string, unknown>): { code?: string; details?: Details } {
  return (a['error'] as { code?: string; details?: Details } | undefined) ?? {};
}

/** The title of the test that checks `o`. */
export function describeOutcome(c: EscapeCase): string {
  const o: Outcome = c.outcome;
  switch (o.kind) {
    case 'refused':
      return `is refused at deploy with ${o.code}${o.rule ? ` (rule ${o.rule})` : ''}`;
    case 'error': {
      const at = c.drive.kind === 'deploy' ? 'its deploy gets' : c.drive.kind === 'kill' ? 'its kill gets' : 'gets';
      const why = [o.reasons?.join(' or '), o.limit, o.circuit ? 'circuit_open' : undefined]
        .filter((x) => x !== undefined)
        .join(', ');
      return `${at} ${o.code}${why ? ` (${why})` : ''}`;
    }
    case 'reply':
    case 'contained':
      return o.title;
  }
}

/** Asserts that `run` is the outcome `c` must get; `probe` is for `contained` checks. */
export async function assertOutcome(c: EscapeCase, run: CaseRun, probe: CaseProbe): Promise<void> {
  const o = c.outcome;
  const a = run.answer;
  const shown = JSON.stringify(a).slice(0, 1500);
  const e = errorOf(a);
  const d: Details = e.details ?? {};
  switch (o.kind) {
    case 'refused': {
      assert.equal(run.phase, 'deploy');
      assert.notEqual(a['ok'], true, `the deploy was accepted: ${shown}`);
      assert.equal(e.code, o.code, shown);
      if (o.rule !== undefined) {
        const findings = (d['findings'] as Array<{ rule?: string; severity?: string }> | undefined) ?? [];
        assert.ok(
          findings.some((x) => x.rule === o.rule && x.severity === 'error'),
          `no error finding of rule ${o.rule} in details.findings: ${shown}`,
        );
      }
      return;
    }
    case 'error': {
      if (c.drive.kind !== 'deploy') assert.equal(run.phase, 'drive', `the deploy failed: ${shown}`);
      assert.notEqual(
        a['ok'],
        true,
        `expected ${o.code} but the ${run.phase} succeeded (after ${run.calls} calls): ${shown}`,
      );
      assert.equal(e.code, o.code, shown);
      if (o.reasons !== undefined)
        assert.ok(o.reasons.includes(String(d['reason'])), `details.reason is not ${o.reasons.join(' or ')}: ${shown}`);
      if (o.limit !== undefined) assert.equal(d['limit'], o.limit, shown);
      if (o.errorMatch !== undefined) assert.match(String(d['error'] ?? ''), o.errorMatch, shown);
      if (o.circuit === true) assert.equal(d['reason'], 'circuit_open', shown);
      return;
    }
    case 'reply':
      assert.equal(run.phase, 'drive', `the deploy failed: ${shown}`);
      assert.equal(a['ok'], true, shown);
      o.check(a['reply'] as Json);
      return;
    case 'contained':
      assert.equal(run.phase, 'drive', `the deploy failed: ${shown}`);
      await o.check(probe, a);
      return;
  }
}
