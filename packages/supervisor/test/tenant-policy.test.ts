import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TenantPolicyInput } from '../src/index.ts';
import { DEFAULT_TENANT_POLICY, resolveTenantPolicy } from '../src/index.ts';

describe('resolveTenantPolicy', () => {
  it('applies the defaults: one_for_one, 3 in 5 s, mark_failed, immediate restarts', () => {
    assert.deepEqual(resolveTenantPolicy({}), {
      strategy: 'one_for_one',
      intensity: { maxRestarts: 3, maxSeconds: 5 },
      escalation: 'mark_failed',
      backoff: { initialMs: 0, multiplier: 2, maxMs: 5000, jitter: 0.2 },
    });
    assert.deepEqual(resolveTenantPolicy({}), DEFAULT_TENANT_POLICY);
  });

  it('keeps every given field', () => {
    const p = resolveTenantPolicy({
      strategy: 'rest_for_one',
      maxRestarts: 1,
      maxSeconds: 60,
      escalation: 'stop_all',
      backoff: { maxMs: 1000 },
    });
    assert.deepEqual(p, {
      strategy: 'rest_for_one',
      intensity: { maxRestarts: 1, maxSeconds: 60 },
      escalation: 'stop_all',
      backoff: { initialMs: 0, multiplier: 2, maxMs: 1000, jitter: 0.2 },
    });
  });

  const bad: { name: string; policy: unknown; field: string }[] = [
    { name: 'an unknown strategy', policy: { strategy: 'all_for_one' }, field: 'strategy' },
    { name: 'an unknown escalation', policy: { escalation: 'panic' }, field: 'escalation' },
    { name: 'a negative maxRestarts', policy: { maxRestarts: -3 }, field: 'maxRestarts' },
    { name: 'maxSeconds 0', policy: { maxSeconds: 0 }, field: 'maxSeconds' },
    { name: 'an unknown field', policy: { intensity: 3 }, field: 'intensity' },
    { name: 'a bad backoff', policy: { backoff: { jitter: -0.1 } }, field: 'backoff.jitter' },
  ];
  for (const c of bad) {
    it(`rejects ${c.name} with invalid_request`, () => {
      assert.throws(
        () => resolveTenantPolicy(c.policy as TenantPolicyInput),
        (err: unknown) => {
          assert.equal((err as { code?: unknown }).code, 'invalid_request');
          assert.equal((err as { details?: { field?: unknown } }).details?.field, c.field);
          return true;
        },
      );
    });
  }
});
