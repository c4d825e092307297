// Global options: flags win over SOLO_* variables, which win over the credentials file, which wins over
// defaults; pnpm's INIT_CWD sets the base dir.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SoloError } from '@solo/protocol';
import type { SoloCredentials } from '@solo/protocol';
import { invocationDir, resolveGlobalOptions } from '../src/global-options.ts';

const creds = (tenant: string | null): SoloCredentials => ({ kind: 'solo-credentials', version: 1, tenant, token: 'solo1.x.y', nats_url: 'nats://c:3' });
/** A reader standing in for the credentials file (the file helpers have their own tests in the SDK). */
const reader = (tenant: string | null, seen: string[] = []) => (path: string): SoloCredentials => {
  seen.push(path);
  return creds(tenant);
};

describe('resolveGlobalOptions', () => {
  it('applies the defaults', () => {
    assert.deepEqual(resolveGlobalOptions({}, {}, '/work'), {
      tenant: 'default',
      natsUrl: undefined,
      dataDir: '/work/.solo',
      token: undefined,
      credentials: undefined,
      json: false,
      baseDir: '/work',
    });
  });

  it('reads --credentials (resolved from the base dir) and takes its tenant', () => {
    const seen: string[] = [];
    const r = resolveGlobalOptions({ credentials: 'acme.json' }, {}, '/w', reader('acme', seen));
    assert.deepEqual(seen, ['/w/acme.json']);
    assert.equal(r.tenant, 'acme');
    assert.equal(r.credentials?.path, '/w/acme.json');
    assert.equal(r.credentials?.creds.token, 'solo1.x.y');
    // The credentials' token is not promoted to the explicit one: node-client orders them.
    assert.equal(r.token, undefined);
  });

  it('reads SOLO_CREDENTIALS, and --credentials overrides it', () => {
    const seen: string[] = [];
    resolveGlobalOptions({}, { SOLO_CREDENTIALS: '/abs/a.json' }, '/w', reader('acme', seen));
    resolveGlobalOptions({ credentials: 'b.json' }, { SOLO_CREDENTIALS: '/abs/a.json' }, '/w', reader('acme', seen));
    assert.deepEqual(seen, ['/abs/a.json', '/w/b.json']);
  });

  it("uses --tenant with the operator's credentials, and the default tenant without one", () => {
    assert.equal(resolveGlobalOptions({ credentials: 'op.json', tenant: 'beta' }, {}, '/w', reader(null)).tenant, 'beta');
    assert.equal(resolveGlobalOptions({ credentials: 'op.json' }, {}, '/w', reader(null)).tenant, 'default');
  });

  it('accepts --tenant equal to the credentials tenant and refuses another one', () => {
    assert.equal(resolveGlobalOptions({ credentials: 'a.json', tenant: 'acme' }, {}, '/w', reader('acme')).tenant, 'acme');
    assert.throws(() => resolveGlobalOptions({ credentials: 'a.json', tenant: 'beta' }, {}, '/w', reader('acme')), { code: 'invalid_request', details: { field: '--tenant' } });
    assert.throws(() => resolveGlobalOptions({ credentials: 'a.json' }, { SOLO_TENANT: 'beta' }, '/w', reader('acme')), { code: 'invalid_request' });
  });

  it('passes on the refusal of an unusable credentials file', () => {
    const refuse = (): SoloCredentials => {
      throw new SoloError('invalid_request', 'mode 0644: chmod 600', { details: { field: 'credentials' } });
    };
    assert.throws(() => resolveGlobalOptions({ credentials: 'a.json' }, {}, '/w', refuse), { code: 'invalid_request', message: /chmod 600/ });
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
