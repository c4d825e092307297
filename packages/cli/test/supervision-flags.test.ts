// Parsing of the supervision flags and of durations such as `--rollback-window 30s`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationOption, parseNumberOption, parseSupervisionFlags } from '../src/supervision-flags.ts';

describe('parseDurationOption', () => {
  it('reads ms, s, m and h, and a bare number as ms', () => {
    const cases: Array<[string, number]> = [
      ['30s', 30_000],
      ['500ms', 500],
      ['2m', 120_000],
      ['1h', 3_600_000],
      ['0', 0],
      ['1.5s', 1500],
      ['250', 250],
    ];
    for (const [text, ms] of cases) assert.equal(parseDurationOption(text, '--rollback-window'), ms, text);
    assert.equal(parseDurationOption(undefined, '--rollback-window'), undefined);
  });

  it('refuses anything else with invalid_request naming the flag', () => {
    for (const bad of ['-1s', 'soon', '30 sec', '1.0005s', '', 's']) {
      assert.throws(
        () => parseDurationOption(bad, '--rollback-window'),
        { code: 'invalid_request', message: /--rollback-window must be a duration/ },
        bad,
      );
    }
  });
});

describe('parseSupervisionFlags', () => {
  it('sets only the fields given, backoff field by field', () => {
    assert.deepEqual(parseSupervisionFlags({}), {});
    assert.deepEqual(
      parseSupervisionFlags({ maxRestarts: '0', maxSeconds: '2.5', backoffInitialMs: '100', backoffJitter: '0' }),
      {
        max_restarts: 0,
        max_seconds: 2.5,
        backoff: { initial_ms: 100, jitter: 0 },
      },
    );
  });

  it('refuses values that are not numbers', () => {
    assert.throws(() => parseSupervisionFlags({ maxRestarts: 'many' }), {
      code: 'invalid_request',
      message: /--max-restarts/,
    });
    assert.throws(() => parseSupervisionFlags({ maxRestarts: '-1' }), { code: 'invalid_request' });
    assert.throws(() => parseNumberOption('1e3', '--max-seconds'), {
      code: 'invalid_request',
      message: /--max-seconds must be a number/,
    });
  });
});
