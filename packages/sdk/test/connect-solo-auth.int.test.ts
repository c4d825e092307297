// Both clients against a real nats-server that, like a Solo node's embedded one, accepts nkey users limited
// to their tenant's subjects and inbox prefix; the test answers as the node. Checks login from credentials
// (object and file), the inbox prefix on requests and follows, the security and operator verbs' bodies, and
// the refusals (unknown nkey, missing inbox prefix, a tenant reaching the operator API).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connect, headers, nkeys } from 'nats';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { HEADERS, adminApiWildcard, parseAdminApiSubject, parseTenantApiSubject, parseTenantId, tenantApiSubject } from '@solo/protocol';
import type { FollowRequest, SoloCredentials, WireReply } from '@solo/protocol';
import { createTempDir, startNatsServer, waitFor } from '@solo/testkit';
import type { TempDir, TestNatsServer } from '@solo/testkit';
import { connectSolo, connectSoloAdmin, writeCredentialsFile } from '../src/index.ts';
import type { SoloAdminClient, SoloClient } from '../src/index.ts';

const TENANT = 'acme';
const TOKEN = 'solo1.eyJpZCI6InRlbmFudCJ9.c2ln';
const ADMIN_TOKEN = 'solo1.eyJpZCI6ImFkbWluIn0.c2ln';

function userKeys(): { pub: string; seed: string } {
  const u = nkeys.createUser();
  return { pub: u.getPublicKey(), seed: new TextDecoder().decode(u.getSeed()) };
}
const tenantUser = userKeys();
const operatorUser = userKeys();

/** What the fake node saw: verb, body, reply subject and token header. */
interface Seen {
  verb: string;
  body: Record<string, unknown>;
  reply: string;
  token: string | undefined;
}
type Answer = (verb: string, body: Record<string, unknown>) => WireReply<object>;

function serve(nc: NatsConnection, subject: string, parse: (s: string) => string, answer: Answer): { seen: Seen[]; sub: Subscription } {
  const seen: Seen[] = [];
  const sub = nc.subscribe(subject, {
    callback: (_err, msg: Msg) => {
      const verb = parse(msg.subject);
      const body = msg.data.length === 0 ? {} : msg.json<Record<string, unknown>>();
      seen.push({ verb, body, reply: msg.reply ?? '', token: msg.headers?.get(HEADERS.token) || undefined });
      msg.respond(JSON.stringify(answer(verb, body)));
    },
  });
  return { seen, sub };
}

describe('connectSolo / connectSoloAdmin with nkey users (real nats-server)', () => {
  let nats: TestNatsServer;
  let peer: NatsConnection;
  let dir: TempDir;
  const closers: Array<SoloClient | SoloAdminClient> = [];
  let creds: SoloCredentials;

  before(async () => {
    dir = createTempDir();
    // As on a Solo node: the tenant may publish only its API and service subjects and subscribe only under
    // its inbox prefix; the peer (standing in for the node) is the no-auth user with every permission.
    nats = await startNatsServer({
      extraConfig: [
        'authorization {',
        '  users = [',
        '    { user: "peer", password: "peer-secret" }',
        `    { nkey: "${tenantUser.pub}", permissions: { publish: { allow: ["solo.t.${TENANT}.>"] }, subscribe: { allow: ["_INBOX_${TENANT}.>"] } } }`,
        `    { nkey: "${operatorUser.pub}", permissions: { publish: { allow: ["solo.admin.api.>", "solo.t.>"] }, subscribe: { allow: ["_INBOX_op.>"] } } }`,
        '  ]',
        '}',
        'no_auth_user: "peer"',
      ].join('\n'),
    });
    peer = await connect({ servers: nats.url });
    creds = {
      kind: 'solo-credentials',
      version: 1,
      tenant: TENANT,
      token: TOKEN,
      nats_url: nats.url,
      nats: { user: tenantUser.pub, seed: tenantUser.seed, inbox_prefix: `_INBOX_${TENANT}` },
    };
  });
  after(async () => {
    for (const c of closers) await c.close();
    await peer.close();
    await nats.stop();
    dir.remove();
  });

  const tenantApi = (answer: Answer) => serve(peer, tenantApiSubject(parseTenantId(TENANT), '*'), (s) => parseTenantApiSubject(s)?.verb ?? '?', answer);

  it('logs in from a credentials object and replies arrive under the tenant inbox prefix', async () => {
    const { seen, sub } = tenantApi(() => ({ ok: true, status: 'ready' }));
    const client = await connectSolo({ credentials: creds });
    closers.push(client);
    assert.equal(client.tenant, TENANT);
    await client.health();
    assert.equal(seen[0]?.token, TOKEN);
    assert.match(seen[0]?.reply ?? '', /^_INBOX_acme\./);
    sub.unsubscribe();
  });

  it('logs in from a credentials file (mode 0600)', async () => {
    const path = join(dir.path, 'acme.credentials.json');
    writeCredentialsFile(path, creds);
    const { sub } = tenantApi(() => ({ ok: true, status: 'ready' }));
    const client = await connectSolo({ credentials: path });
    closers.push(client);
    assert.equal((await client.health()).status, 'ready');
    sub.unsubscribe();
  });

  it('tails under the inbox prefix too (a follow inbox elsewhere would be refused)', async () => {
    let follow: FollowRequest | undefined;
    const { sub } = tenantApi((verb, body) => {
      if (verb === 'events_follow') follow = body as unknown as FollowRequest;
      return verb === 'events_follow' ? { ok: true, follow_id: 'f-1' } : { ok: true };
    });
    const client = await connectSolo({ credentials: creds });
    closers.push(client);
    const tail = client.followEvents();
    const got: number[] = [];
    const done = (async () => {
      for await (const e of tail) {
        got.push(e.seq);
        if (got.length === 1) break;
      }
    })();
    const req = await waitFor(() => follow);
    assert.match(req.inbox, /^_INBOX_acme\./);
    const h = headers();
    h.set(HEADERS.streamSeq, '7');
    peer.publish(req.inbox, JSON.stringify({ seq: 7, type: 'service_started', tenant: TENANT, service_id: 'x', at: '2025-01-01T00:00:00.000Z', data: {} }), { headers: h });
    await done;
    assert.deepEqual(got, [7]);
    sub.unsubscribe();
  });

  it('sends the token and secret verbs with their bodies and unwraps the replies', async () => {
    const info = { token_id: 'tok-abcdefgh', tenant: TENANT, permissions: ['call'], services: ['*'], expires_at: null, rate_limit: null, persistent: true, label: null, granted_at: 'x', ancestors: [], revoked: false };
    const secret = { name: 'API_KEY', size: 3, version: 1, created_at: 'x', updated_at: 'x' };
    const { seen, sub } = tenantApi((verb) => {
      switch (verb) {
        case 'token_grant': return { ok: true, token: 'solo1.narrow.sig', info };
        case 'token_revoke': return { ok: true, token_id: 'tok-abcdefgh', revoked: true };
        case 'token_list': return { ok: true, tokens: [info] };
        case 'secret_set': return { ok: true, secret };
        case 'secret_list': return { ok: true, secrets: [secret] };
        case 'secret_exists': return { ok: true, name: 'API_KEY', exists: true };
        case 'secret_delete': return { ok: true, name: 'API_KEY', deleted: false };
        // As the node sends it: the envelope's `ok`, and the analysis verdict in `valid`.
        case 'validate': return { ok: true, valid: false, findings: [{ rule: 'no-eval', severity: 'error', message: 'eval', line: 1, column: 1, hint: 'remove it' }] } as unknown as WireReply<object>;
        default: return { ok: false, error: { code: 'invalid_request', message: verb } };
      }
    });
    const client = await connectSolo({ credentials: creds });
    closers.push(client);
    assert.equal((await client.grantToken({ permissions: ['call'], ttl_s: 60 })).token, 'solo1.narrow.sig');
    assert.deepEqual(await client.revokeToken('tok-abcdefgh'), { token_id: 'tok-abcdefgh', revoked: true });
    assert.equal((await client.listTokens())[0]?.token_id, 'tok-abcdefgh');
    assert.deepEqual(await client.setSecret('API_KEY', 'abc'), secret);
    assert.equal((await client.listSecrets()).length, 1);
    assert.equal(await client.secretExists('API_KEY'), true);
    assert.equal(await client.deleteSecret('API_KEY'), false);
    const v = await client.validate('eval("1")', 'bad.ts');
    assert.equal(v.valid, false);
    assert.equal(v.findings[0]?.rule, 'no-eval');
    assert.deepEqual(
      seen.map((s) => [s.verb, s.body]),
      [
        ['token_grant', { permissions: ['call'], ttl_s: 60 }],
        ['token_revoke', { token_id: 'tok-abcdefgh' }],
        ['token_list', {}],
        ['secret_set', { name: 'API_KEY', value: 'abc' }],
        ['secret_list', {}],
        ['secret_exists', { name: 'API_KEY' }],
        ['secret_delete', { name: 'API_KEY' }],
        ['validate', { source: 'eval("1")', filename: 'bad.ts' }],
      ],
    );
    // Bad input is refused before anything is sent.
    await assert.rejects(client.grantToken({ permissions: ['root' as 'call'] }), { code: 'invalid_request' });
    await assert.rejects(client.revokeToken('x'), { code: 'invalid_request' });
    await assert.rejects(client.setSecret('', 'v'), { code: 'invalid_request' });
    assert.equal(seen.length, 8);
    sub.unsubscribe();
  });

  it('refuses an nkey the server does not know with unauthorized', async () => {
    const stranger = userKeys();
    await assert.rejects(connectSolo({ natsUrl: nats.url, tenant: TENANT, nkeySeed: stranger.seed, inboxPrefix: '_INBOX_acme' }), { code: 'unauthorized' });
  });

  it('fails requests with forbidden when the inbox prefix is missing (the tenant may not subscribe to _INBOX.>)', async () => {
    const { sub } = tenantApi(() => ({ ok: true, status: 'ready' }));
    const client = await connectSolo({ natsUrl: nats.url, tenant: TENANT, nkeySeed: tenantUser.seed, token: TOKEN, requestTimeoutMs: 2000 });
    closers.push(client);
    await assert.rejects(client.health(), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'forbidden');
      assert.match(err.message, /inboxPrefix/);
      return true;
    });
    sub.unsubscribe();
  });

  it('runs the operator verbs on solo.admin.api with the admin token', async () => {
    const tenantInfo = { tenant: 'beta', limits: { max_services: 5, max_memory_mb: 4096, rate: { requests_per_second: 1000, burst: 2000 } }, created_at: 'x', usage: { services: 0, memory_mb: 0 } };
    const { seen, sub } = serve(peer, adminApiWildcard(), (s) => parseAdminApiSubject(s)?.verb ?? '?', (verb) => {
      switch (verb) {
        case 'tenant_create': return { ok: true, tenant: tenantInfo, credentials: { ...creds, tenant: 'beta' } };
        case 'tenant_list': return { ok: true, tenants: [tenantInfo] };
        case 'tenant_show':
        case 'tenant_set_limits': return { ok: true, tenant: tenantInfo };
        case 'tenant_delete': return { ok: true, tenant: 'beta', deleted: true, services_killed: 0, tokens_revoked: 1, secrets_deleted: 0 };
        case 'tenant_rotate_nats': return { ok: true, nats: creds.nats as object };
        case 'audit_export': return { ok: true, records: [], truncated: false };
        case 'secrets_rotate_master': return { ok: true, master_key_id: 'k2', rewrapped: 3 };
        case 'health': return { ok: true, status: 'ready' };
        default: return { ok: false, error: { code: 'invalid_request', message: verb } };
      }
    });
    const admin = await connectSoloAdmin({
      credentials: { kind: 'solo-credentials', version: 1, tenant: null, token: ADMIN_TOKEN, nats_url: nats.url, nats: { user: operatorUser.pub, seed: operatorUser.seed, inbox_prefix: '_INBOX_op' } },
    });
    closers.push(admin);
    assert.equal((await admin.createTenant('beta', { max_services: 5 })).tenant.tenant, 'beta');
    assert.equal((await admin.listTenants()).length, 1);
    assert.equal((await admin.showTenant('beta')).tenant, 'beta');
    await admin.setTenantLimits('beta', { rate: { requests_per_second: 5, burst: 10 } });
    assert.equal((await admin.deleteTenant('beta')).tokens_revoked, 1);
    assert.equal((await admin.rotateTenantNats('beta')).inbox_prefix, '_INBOX_acme');
    assert.deepEqual(await admin.exportAudit({ tenant: 'beta', since: '2025-01-01T00:00:00Z', limit: 5 }), { records: [], truncated: false });
    assert.equal((await admin.rotateMasterKey()).rewrapped, 3);
    assert.equal((await admin.health()).status, 'ready');
    assert.ok(seen.every((s) => s.token === ADMIN_TOKEN && s.reply.startsWith('_INBOX_op.')));
    assert.deepEqual(
      seen.slice(0, 7).map((s) => [s.verb, s.body]),
      [
        ['tenant_create', { tenant: 'beta', limits: { max_services: 5 } }],
        ['tenant_list', {}],
        ['tenant_show', { tenant: 'beta' }],
        ['tenant_set_limits', { tenant: 'beta', limits: { rate: { requests_per_second: 5, burst: 10 } } }],
        ['tenant_delete', { tenant: 'beta' }],
        ['tenant_rotate_nats', { tenant: 'beta' }],
        ['audit_export', { tenant: 'beta', since: '2025-01-01T00:00:00.000Z', limit: 5 }],
      ],
    );
    await assert.rejects(admin.createTenant('Bad Id'), { code: 'invalid_request' });
    await assert.rejects(admin.setTenantLimits('beta', { max_services: -1 }), { code: 'invalid_request' });
    assert.equal(seen.length, 9);
    sub.unsubscribe();
  });

  it("keeps a tenant's NATS user off the operator API", async () => {
    const admin = await connectSoloAdmin({ natsUrl: nats.url, token: TOKEN, nkeySeed: tenantUser.seed, inboxPrefix: '_INBOX_acme', requestTimeoutMs: 2000 });
    closers.push(admin);
    await assert.rejects(admin.health(), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'forbidden');
      assert.match(err.message, /operator API/);
      return true;
    });
  });

  it("refuses a tenant's credentials for the operator client before connecting", async () => {
    await assert.rejects(connectSoloAdmin({ credentials: creds }), { code: 'invalid_request' });
  });
});
