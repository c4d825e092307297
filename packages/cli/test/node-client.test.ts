// Which URL, token and NATS user a command uses: flags, then the credentials file, then the local operator
// credentials — and the admin token never goes to a server the local node did not name. The data dir's files
// are given by a lookup table (the SDK tests the file readers on real files).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SoloCredentials } from '@solo/protocol';
import { resolveGlobalOptions } from '../src/global-options.ts';
import type { GlobalOptions } from '../src/global-options.ts';
import { resolveNodeConnection } from '../src/node-client.ts';
import type { NodeLookup } from '../src/node-client.ts';

const SEED_T = `SU${'A'.repeat(56)}`;
const SEED_OP = `SU${'B'.repeat(56)}`;
const tenantCreds: SoloCredentials = {
  kind: 'solo-credentials',
  version: 1,
  tenant: 'acme',
  token: 'solo1.tenant.sig',
  nats_url: 'nats://node:4000',
  nats: { user: `U${'A'.repeat(55)}`, seed: SEED_T, inbox_prefix: '_INBOX_acme' },
};
const operatorCreds: SoloCredentials = {
  kind: 'solo-credentials',
  version: 1,
  tenant: null,
  token: 'solo1.admin.sig',
  nats_url: 'nats://127.0.0.1:4100',
  nats: { user: `U${'B'.repeat(55)}`, seed: SEED_OP, inbox_prefix: '_INBOX_op' },
};

function lookup(o: { nodeUrl?: string | null; operator?: SoloCredentials | null }): NodeLookup & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    nodeUrl: () => o.nodeUrl ?? null,
    operatorCredentials: (dir) => {
      reads.push(dir);
      return o.operator ?? null;
    },
  };
}

const resolveG = (raw: GlobalOptions, env: Record<string, string> = {}) => resolveGlobalOptions(raw, env, '/w', () => tenantCreds);

describe('resolveNodeConnection', () => {
  it("uses the local node and its operator credentials when nothing is given (solo on the node's machine)", () => {
    const c = resolveNodeConnection(resolveG({}), lookup({ nodeUrl: 'nats://127.0.0.1:4100', operator: operatorCreds }));
    assert.deepEqual(c, { natsUrl: 'nats://127.0.0.1:4100', token: 'solo1.admin.sig', nkeySeed: SEED_OP, inboxPrefix: '_INBOX_op' });
  });

  it('lets --token win over the operator token, keeping the operator NATS user for the local node', () => {
    const c = resolveNodeConnection(resolveG({ token: 'solo1.mine' }), lookup({ nodeUrl: 'nats://127.0.0.1:4100', operator: operatorCreds }));
    assert.deepEqual([c.token, c.nkeySeed], ['solo1.mine', SEED_OP]);
  });

  it('takes URL, token and NATS user from --credentials and never reads the operator file then', () => {
    const l = lookup({ nodeUrl: 'nats://127.0.0.1:4100', operator: operatorCreds });
    const c = resolveNodeConnection(resolveG({ credentials: 'acme.json' }), l);
    assert.deepEqual(c, { natsUrl: 'nats://node:4000', token: 'solo1.tenant.sig', nkeySeed: SEED_T, inboxPrefix: '_INBOX_acme' });
    assert.deepEqual(l.reads, []);
  });

  it('orders the token: --token, then SOLO_TOKEN, then the credentials', () => {
    const l = lookup({});
    assert.equal(resolveNodeConnection(resolveG({ credentials: 'a.json', token: 'solo1.flag' }, { SOLO_TOKEN: 'solo1.env' }), l).token, 'solo1.flag');
    assert.equal(resolveNodeConnection(resolveG({ credentials: 'a.json' }, { SOLO_TOKEN: 'solo1.env' }), l).token, 'solo1.env');
    assert.equal(resolveNodeConnection(resolveG({ credentials: 'a.json' }), l).token, 'solo1.tenant.sig');
  });

  it('lets --nats win over the credentials URL', () => {
    assert.equal(resolveNodeConnection(resolveG({ credentials: 'a.json', nats: 'nats://other:1' }), lookup({})).natsUrl, 'nats://other:1');
  });

  it('never sends the local admin token to a server the local node did not name', () => {
    const c = resolveNodeConnection(resolveG({ nats: 'nats://attacker:4222' }), lookup({ nodeUrl: 'nats://127.0.0.1:4100', operator: operatorCreds }));
    assert.deepEqual(c, { natsUrl: 'nats://attacker:4222', token: undefined, nkeySeed: undefined, inboxPrefix: undefined });
  });

  it('uses the operator credentials with --nats when it is their own URL', () => {
    const c = resolveNodeConnection(resolveG({ nats: 'nats://127.0.0.1:4100' }), lookup({ operator: operatorCreds }));
    assert.equal(c.token, 'solo1.admin.sig');
  });

  it('has no token and no NATS user without credentials anywhere', () => {
    const c = resolveNodeConnection(resolveG({}), lookup({ nodeUrl: 'nats://127.0.0.1:4100' }));
    assert.deepEqual(c, { natsUrl: 'nats://127.0.0.1:4100', token: undefined, nkeySeed: undefined, inboxPrefix: undefined });
  });

  it('fails with unavailable when no URL is given and no node runs on the data dir', () => {
    assert.throws(() => resolveNodeConnection(resolveG({}), lookup({})), { code: 'unavailable', message: /solo up/ });
  });
});
