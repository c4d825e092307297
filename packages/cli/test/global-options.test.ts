// Global options: flags win over SOLO_* variables, which win over defaults; pnpm's INIT_CWD sets the base dir.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invocationDir, resolveGlobalOptions } from '../src/global-options.ts';

describe('resolveGlobalOptions', () => {
  it('applies the defaults', () => {
    assert.deepEqual(resolveGlobalOptions({}, {}, '/work'), {
      tenant: 'default',
      natsUrl: undefined,
      dataDir: '/work/.solo',
      token: undefined,
      json: false,
      baseDir: '/work',
    });
  });

  it('reads SOLO_* variables, and flags override them', () => {
    const env = { SOLO_TENANT: 'acme', SOLO_NATS_URL: 'nats://a:1', SOLO_DATA_DIR: 'data', SOLO_TOKEN: 't1' };
    const fromEnv = resolveGlobalOptions({}, env, '/w');
    assert.deepEqual(
      [fromEnv.tenant, fromEnv.natsUrl, fromEnv.dataDir, fromEnv.token],
      ['acme', 'nats://a:1', '/w/data', 't1'],
    );
    const fromFlags = resolveGlobalOptions(
      { tenant: 'beta', nats: 'nats://b:2', dataDir: '/abs', token: 't2', json: true },
      env,
      '/w',
    );
    assert.deepEqual(
      [fromFlags.tenant, fromFlags.natsUrl, fromFlags.dataDir, fromFlags.token, fromFlags.json],
      ['beta', 'nats://b:2', '/abs', 't2', true],
    );
  });

  it('refuses an invalid tenant with invalid_request', () => {
    assert.throws(() => resolveGlobalOptions({ tenant: 'Not Valid' }, {}, '/w'), { code: 'invalid_request' });
  });
});

describe('invocationDir', () => {
  it('uses INIT_CWD only under the `solo` pnpm script', () => {
    assert.equal(invocationDir({ INIT_CWD: '/user/dir', npm_lifecycle_event: 'solo' }, '/repo'), '/user/dir');
    assert.equal(invocationDir({ INIT_CWD: '/user/dir', npm_lifecycle_event: 'test' }, '/repo'), '/repo');
    assert.equal(invocationDir({}, '/repo'), '/repo');
  });
});
