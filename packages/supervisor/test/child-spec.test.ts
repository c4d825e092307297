import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChildSpecInput } from '../src/index.ts';
import { DEFAULT_TENANT_POLICY, resolveChildPolicy, resolveChildSpec } from '../src/index.ts';

describe('resolveChildSpec', () => {
  it('defaults the restart type to permanent and inherits everything else', () => {
    assert.deepEqual(resolveChildSpec({}), { restart: 'permanent' });
  });

  it('keeps valid overrides', () => {
    const spec = resolveChildSpec({
      restart: 'transient',
      maxRestarts: 0,
      maxSeconds: 0.5,
      backoff: { initialMs: 50 },
    });
    assert.deepEqual(spec, { restart: 'transient', maxRestarts: 0, maxSeconds: 0.5, backoff: { initialMs: 50 } });
  });

  const bad: { name: string; spec: unknown; field: string }[] = [
    { name: 'a negative maxRestarts', spec: { maxRestarts: -1 }, field: 'maxRestarts' },
    { name: 'a fractional maxRestarts', spec: { maxRestarts: 1.5 }, field: 'maxRestarts' },
    { name: 'a maxRestarts given as a string', spec: { maxRestarts: '3' }, field: 'maxRestarts' },
    { name: 'an unknown restart type', spec: { restart: 'sometimes' }, field: 'restart' },
    { name: 'maxSeconds 0', spec: { maxSeconds: 0 }, field: 'maxSeconds' },
    { name: 'a negative maxSeconds', spec: { maxSeconds: -5 }, field: 'maxSeconds' },
    { name: 'a NaN maxSeconds', spec: { maxSeconds: Number.NaN }, field: 'maxSeconds' },
    { name: 'an infinite maxSeconds', spec: { maxSeconds: Number.POSITIVE_INFINITY }, field: 'maxSeconds' },
    { name: 'an unknown field', spec: { restrat: 'transient' }, field: 'restrat' },
    { name: 'a negative backoff.initialMs', spec: { backoff: { initialMs: -1 } }, field: 'backoff.initialMs' },
    { name: 'a backoff.multiplier below 1', spec: { backoff: { multiplier: 0.5 } }, field: 'backoff.multiplier' },
    { name: 'a backoff.jitter above 1', spec: { backoff: { jitter: 1.5 } }, field: 'backoff.jitter' },
    {
      name: 'a backoff.maxMs below initialMs',
      spec: { backoff: { initialMs: 100, maxMs: 10 } },
      field: 'backoff.maxMs',
    },
    { name: 'an unknown backoff field', spec: { backoff: { delay: 5 } }, field: 'delay' },
    { name: 'a spec that is not an object', spec: 'permanent', field: 'child spec' },
    { name: 'a null spec', spec: null, field: 'child spec' },
  ];
  for (const c of bad) {
    it(`rejects ${c.name} with invalid_request`, () => {
      assert.throws(
        () => resolveChildSpec(c.spec as ChildSpecInput),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.equal((err as { code?: unknown }).code, 'invalid_request');
          assert.equal((err as { details?: { field?: unknown } }).details?.field, c.field);
          return true;
        },
      );
    });
  }

  it('says what was wrong and what to use', () => {
    assert.throws(() => resolveChildSpec({ restart: 'sometimes' as never }), {
      code: 'invalid_request',
      message: "The restart type 'sometimes' is not known. Set restart to one of: permanent, transient, temporary.",
    });
  });
});

describe('resolveChildPolicy', () => {
  it('lays the service overrides over the tenant policy, field by field', () => {
    const spec = resolveChildSpec({ maxRestarts: 10, backoff: { initialMs: 250 } });
    assert.deepEqual(resolveChildPolicy(spec, DEFAULT_TENANT_POLICY), {
      intensity: { maxRestarts: 10, maxSeconds: 5 },
      backoff: { initialMs: 250, multiplier: 2, maxMs: 5000, jitter: 0.2 },
    });
  });
});
