// Label values of the node's metrics stay inside fixed sets whatever a client sends (issue #8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SoloError } from '@solo/protocol';
import { errorOutcome, eventTypeLabel, outcomeLabel, verbLabel } from '../src/metrics/metric-labels.ts';

describe('metric labels', () => {
  it('keeps API verbs and folds anything else into unknown', () => {
    const table: [string | undefined, string][] = [
      ['deploy', 'deploy'],
      ['call', 'call'],
      ['health', 'health'],
      ['../../etc', 'unknown'],
      ['Deploy', 'unknown'],
      ['', 'unknown'],
      [undefined, 'unknown'],
    ];
    for (const [raw, label] of table) assert.equal(verbLabel(raw), label, String(raw));
  });

  it('labels outcomes with ok or a registered error code only', () => {
    const table: [string, string][] = [
      ['ok', 'ok'],
      ['not_found', 'not_found'],
      ['service_crashed', 'service_crashed'],
      ['ENOENT', 'internal'],
      ['', 'internal'],
    ];
    for (const [raw, label] of table) assert.equal(outcomeLabel(raw), label, raw);
  });

  it('takes the code of a Solo error and internal for anything else', () => {
    assert.equal(errorOutcome(new SoloError('timeout', 'late')), 'timeout');
    assert.equal(errorOutcome(new Error('boom')), 'internal');
    assert.equal(errorOutcome('text'), 'internal');
    assert.equal(errorOutcome({ code: 'made_up', message: 'x' }), 'internal');
  });

  it('keeps event types and folds unknown ones', () => {
    assert.equal(eventTypeLabel('service_deployed'), 'service_deployed');
    assert.equal(eventTypeLabel('my_custom_thing'), 'unknown');
  });
});
