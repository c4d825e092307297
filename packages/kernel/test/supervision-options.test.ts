// Supervision settings between the wire and the supervisor: per-service options and tenant policies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TENANT_POLICY } from '@solo/supervisor';
import { checkServiceSupervision, childSpecOf, isPolicyRead, maxCastAttemptsOf, mergePolicy, policyInput, policyToWire } from '../src/supervision/supervision-options.ts';

describe('service supervision options', () => {
  it('keeps only the fields given, as stored in the deploy event, and maps them to a child spec', () => {
    assert.deepEqual(checkServiceSupervision('transient', undefined), {});
    const stored = checkServiceSupervision('transient', { max_restarts: 2, backoff: { initial_ms: 10 }, max_cast_attempts: 5 });
    assert.deepEqual(stored, { max_restarts: 2, backoff: { initial_ms: 10 }, max_cast_attempts: 5 });
    assert.deepEqual(childSpecOf('transient', { ...stored, log_level: 'info' }), { restart: 'transient', maxRestarts: 2, backoff: { initialMs: 10 } });
    assert.equal(maxCastAttemptsOf(stored), 5);
    assert.equal(maxCastAttemptsOf({}), 3);
  });

  it('refuses out-of-range options with invalid_request naming the field', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ max_restarts: -1 }, /maxRestarts/],
      [{ max_seconds: 0 }, /maxSeconds/],
      [{ backoff: { jitter: 2 } }, /jitter/],
      [{ backoff: { initial_ms: 50, max_ms: 10 } }, /maxMs/],
      [{ max_cast_attempts: 0 }, /max_cast_attempts/],
      [{ max_cast_attempts: 101 }, /max_cast_attempts/],
    ];
    for (const [input, message] of cases) assert.throws(() => checkServiceSupervision('permanent', input), { code: 'invalid_request', message }, JSON.stringify(input));
  });
});

describe('tenant policy', () => {
  const defaults = policyToWire(DEFAULT_TENANT_POLICY);

  it('converts both ways without loss', () => {
    assert.deepEqual(defaults, { strategy: 'one_for_one', max_restarts: 3, max_seconds: 5, escalation: 'mark_failed', backoff: { initial_ms: 0, multiplier: 2, max_ms: 5000, jitter: 0.2 } });
    assert.deepEqual(policyInput(defaults), { strategy: 'one_for_one', maxRestarts: 3, maxSeconds: 5, escalation: 'mark_failed', backoff: { initialMs: 0, multiplier: 2, maxMs: 5000, jitter: 0.2 } });
  });

  it('merges a change over the current policy, backoff field by field', () => {
    assert.equal(isPolicyRead({}), true);
    assert.equal(isPolicyRead({ strategy: 'one_for_all' }), false);
    const next = mergePolicy(defaults, { strategy: 'rest_for_one', backoff: { max_ms: 100 } });
    assert.deepEqual(next, { ...defaults, strategy: 'rest_for_one', backoff: { ...defaults.backoff, max_ms: 100 } });
    assert.throws(() => mergePolicy(defaults, { backoff: { initial_ms: 200, max_ms: 100 } }), { code: 'invalid_request' });
  });
});
