// Table tests of the option resolution of connectSolo and connectSoloAdmin: defaults, credentials filling
// what is not given, and every refusal with its field. Nothing here touches the network or the disk.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nkeys } from 'nats';
import type { SoloCredentials } from '@solo/protocol';
import { resolveClientOptions } from '../src/client-options.ts';
import type { SoloClientOptions } from '../src/client-options.ts';
import { resolveAdminClientOptions } from '../src/admin-client-options.ts';
import type { SoloAdminClientOptions } from '../src/admin-client-options.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../src/connection-options.ts';

const user = nkeys.createUser();
const SEED = new TextDecoder().decode(user.getSeed());
const TOKEN = 'solo1.eyJpZCI6IngifQ.c2ln';

function tenantCreds(tenant: string | null, extra: Partial<SoloCredentials> = {}): SoloCredentials {
  return {
    kind: 'solo-credentials',
    version: 1,
    tenant,
    token: TOKEN,
    nats_url: 'nats://127.0.0.1:4999',
    nats: { user: user.getPublicKey(), seed: SEED, inbox_prefix: `_INBOX_${tenant ?? 'operator'}` },
    ...extra,
  };
}

function assertField(fn: () => unknown, field: string, code = 'invalid_request'): void {
  assert.throws(fn, (err: { code: string; message: string; details: { field: string } }) => {
    assert.equal(err.code, code);
    assert.equal(err.details.field, field);
    // A refusal never quotes a secret.
    assert.ok(!err.message.includes(SEED), 'message quotes the seed');
    assert.ok(!err.message.includes(TOKEN), 'message quotes the token');
    return true;
  });
}

describe('resolveClientOptions', () => {
  it('applies the documented defaults', () => {
    const r = resolveClientOptions({ natsUrl: ' nats://127.0.0.1:4222 ', tenant: 'acme' });
    assert.deepEqual(r, {
      natsUrl: 'nats://127.0.0.1:4222',
      tenant: 'acme',
      token: undefined,
      nkeySeed: undefined,
      inboxPrefix: undefined,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      name: 'solo-sdk',
    });
  });

  it('fills token, NATS user, inbox prefix, URL and tenant from a credentials object', () => {
    const r = resolveClientOptions({ credentials: tenantCreds('acme') });
    assert.equal(r.tenant, 'acme');
    assert.equal(r.token, TOKEN);
    assert.equal(r.nkeySeed, SEED);
    assert.equal(r.inboxPrefix, '_INBOX_acme');
    assert.equal(r.natsUrl, 'nats://127.0.0.1:4999');
  });

  it('lets explicit options win over the credentials', () => {
    const other = new TextDecoder().decode(nkeys.createUser().getSeed());
    const r = resolveClientOptions({
      credentials: tenantCreds('acme'),
      natsUrl: 'nats://elsewhere:1',
      token: 'solo1.other',
      nkeySeed: other,
      inboxPrefix: '_INBOX_x',
      tenant: 'acme',
    });
    assert.deepEqual([r.natsUrl, r.token, r.nkeySeed, r.inboxPrefix], ['nats://elsewhere:1', 'solo1.other', other, '_INBOX_x']);
  });

  it('reads a credentials path with the reader it is given', () => {
    const seen: string[] = [];
    const r = resolveClientOptions({ credentials: '/some/acme.json' }, (path) => {
      seen.push(path);
      return tenantCreds('acme');
    });
    assert.deepEqual(seen, ['/some/acme.json']);
    assert.equal(r.tenant, 'acme');
  });

  it("takes the tenant from the options with the operator's credentials", () => {
    const r = resolveClientOptions({ credentials: tenantCreds(null), tenant: 'beta' });
    assert.equal(r.tenant, 'beta');
    assert.equal(r.inboxPrefix, '_INBOX_operator');
  });

  const bad: Array<[string, SoloClientOptions, string]> = [
    ['an empty natsUrl', { natsUrl: '', tenant: 'acme' }, 'natsUrl'],
    ['no natsUrl at all', { tenant: 'acme' }, 'natsUrl'],
    ['no natsUrl in the options or the credentials', { credentials: tenantCreds('acme', { nats_url: undefined }) }, 'natsUrl'],
    ['an invalid tenant', { natsUrl: 'nats://x', tenant: 'Acme!' }, 'tenant'],
    ['no tenant and no credentials', { natsUrl: 'nats://x' }, 'tenant'],
    ["the operator's credentials without a tenant", { credentials: tenantCreds(null) }, 'tenant'],
    ['a tenant other than the credentials name', { credentials: tenantCreds('acme'), tenant: 'beta' }, 'tenant'],
    ['a zero timeout', { natsUrl: 'nats://x', tenant: 'acme', requestTimeoutMs: 0 }, 'requestTimeoutMs'],
    ['a fractional timeout', { natsUrl: 'nats://x', tenant: 'acme', requestTimeoutMs: 1.5 }, 'requestTimeoutMs'],
    ['an empty token', { natsUrl: 'nats://x', tenant: 'acme', token: '' }, 'token'],
    ['a seed that is not an nkey user seed', { natsUrl: 'nats://x', tenant: 'acme', nkeySeed: 'SAxyz' }, 'nkeySeed'],
    ['a public key passed as the seed', { natsUrl: 'nats://x', tenant: 'acme', nkeySeed: user.getPublicKey() }, 'nkeySeed'],
    ['an inbox prefix with a wildcard', { natsUrl: 'nats://x', tenant: 'acme', inboxPrefix: '_INBOX.>' }, 'inboxPrefix'],
    ['an empty credentials path', { credentials: ' ' }, 'credentials'],
    ['a credentials object of the wrong kind', { credentials: { ...tenantCreds('acme'), kind: 'other' } as unknown as SoloCredentials }, 'credentials'],
    ['a credentials object without a token', { credentials: { ...tenantCreds('acme'), token: undefined } as unknown as SoloCredentials }, 'credentials'],
    ['a credentials object with a bad seed', { credentials: tenantCreds('acme', { nats: { user: user.getPublicKey(), seed: 'nope', inbox_prefix: '_INBOX_acme' } }) }, 'credentials'],
  ];
  for (const [name, opts, field] of bad) {
    it(`rejects ${name} with invalid_request`, () => assertField(() => resolveClientOptions(opts), field));
  }

  it('refuses a credentials path when no reader is given', () => {
    assertField(() => resolveClientOptions({ credentials: '/x.json' }), 'credentials');
  });

  it("says the operator's credentials need a tenant", () => {
    assert.throws(() => resolveClientOptions({ credentials: tenantCreds(null) }), /operator's credentials/);
  });
});

describe('resolveAdminClientOptions', () => {
  it("takes the token, NATS user and URL from the operator's credentials", () => {
    const r = resolveAdminClientOptions({ credentials: tenantCreds(null) });
    assert.deepEqual([r.token, r.nkeySeed, r.inboxPrefix, r.natsUrl], [TOKEN, SEED, '_INBOX_operator', 'nats://127.0.0.1:4999']);
  });

  it('accepts an explicit token without credentials', () => {
    assert.equal(resolveAdminClientOptions({ natsUrl: 'nats://x', token: 'solo1.admin' }).token, 'solo1.admin');
  });

  const bad: Array<[string, SoloAdminClientOptions, string]> = [
    ['no token', { natsUrl: 'nats://x' }, 'token'],
    ["a tenant's credentials", { credentials: tenantCreds('acme') }, 'credentials'],
    ['no URL', { token: 'solo1.admin' }, 'natsUrl'],
    ['a bad timeout', { natsUrl: 'nats://x', token: 'solo1.admin', requestTimeoutMs: -1 }, 'requestTimeoutMs'],
  ];
  for (const [name, opts, field] of bad) {
    it(`rejects ${name} with invalid_request`, () => assertField(() => resolveAdminClientOptions(opts), field));
  }
});
