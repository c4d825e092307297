// Issue #5 end to end on a real node (embedded nats-server with nkey users, LMDB vault): tenants, capability
// tokens on the NATS door and inside services, bus isolation with a raw client, secrets, rate limits, audit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect, headers, type NatsConnection } from 'nats';
import { natsAuthOptions } from '@solo/kernel';
import { startNode } from '@solo/gateway';
import { HEADERS, adminApiSubject, attenuateToken, serviceSubject, tenantApiSubject, type ServiceId, type SoloCredentials, type TenantId } from '@solo/protocol';
import { createTempDir, uniqueName, waitFor } from '@solo/testkit';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';

type Reply = Record<string, unknown>;
const enc = new TextEncoder();
const dec = new TextDecoder();
const code = (r: Reply): unknown => (r['error'] as { code?: string } | undefined)?.code;
const reason = (r: Reply): unknown => ((r['error'] as { details?: Record<string, unknown> } | undefined)?.details ?? {})['reason'];

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

async function admin(verb: string, body: unknown, token = f.adminToken): Promise<Reply> {
  const h = headers();
  h.set(HEADERS.token, token);
  const m = await f.nc.request(adminApiSubject(verb), enc.encode(JSON.stringify(body)), { timeout: 15_000, headers: h });
  return JSON.parse(dec.decode(m.data)) as Reply;
}

async function createTenant(limits?: unknown): Promise<{ tenant: string; creds: SoloCredentials }> {
  const tenant = uniqueName();
  const r = await admin('tenant_create', limits === undefined ? { tenant } : { tenant, limits });
  assert.equal(r['ok'], true, JSON.stringify(r));
  return { tenant, creds: r['credentials'] as SoloCredentials };
}

/** A raw NATS client holding a tenant's own credentials. */
async function tenantConnection(creds: SoloCredentials): Promise<NatsConnection> {
  const n = creds.nats;
  assert.ok(n, 'an embedded node hands out NATS credentials');
  return connect({ servers: f.node.info.nats_url, ...natsAuthOptions({ user: n.user, seed: n.seed, inbox_prefix: n.inbox_prefix }) });
}

async function request(nc: NatsConnection, subject: string, body: unknown, token: string | undefined): Promise<Reply> {
  const h = headers();
  if (token !== undefined) h.set(HEADERS.token, token);
  const m = await nc.request(subject, enc.encode(JSON.stringify(body)), { timeout: 15_000, headers: h });
  return JSON.parse(dec.decode(m.data)) as Reply;
}

describe('tenants and the operator', () => {
  it('writes the admin token and operator credentials 0600 and refuses tenant tokens on operator verbs', async () => {
    for (const file of ['admin.token', 'operator.credentials.json']) {
      const st = statSync(join(f.dir.path, file));
      assert.equal(st.mode & 0o777, 0o600, file);
    }
    assert.equal(readFileSync(join(f.dir.path, 'admin.token'), 'utf8').trim(), f.adminToken);
    const { creds } = await createTenant();
    const r = await admin('tenant_list', {}, creds.token);
    assert.equal(code(r), 'forbidden');
    assert.equal(code(await admin('tenant_list', {}, 'solo1.x.y')), 'unauthorized');
  });

  it('creates, shows, re-limits, lists and deletes a tenant', async () => {
    const { tenant, creds } = await createTenant({ max_services: 2 });
    assert.equal(creds.tenant, tenant);
    assert.match(creds.token, /^solo1\./);
    assert.equal(creds.nats?.inbox_prefix, `_INBOX_${tenant}`);
    const shown = await admin('tenant_show', { tenant });
    assert.equal((shown['tenant'] as { limits: { max_services: number } }).limits.max_services, 2);
    const set = await admin('tenant_set_limits', { tenant, limits: { max_services: 5 } });
    assert.equal((set['tenant'] as { limits: { max_services: number } }).limits.max_services, 5);
    const listed = await admin('tenant_list', {});
    assert.ok((listed['tenants'] as Reply[]).some((t) => t['tenant'] === tenant));
    assert.equal(code(await admin('tenant_create', { tenant })), 'already_exists');
    assert.equal(code(await admin('tenant_create', { tenant: 'Bad Id' })), 'invalid_request');
    assert.equal(code(await admin('tenant_set_limits', { tenant, limits: { max_services: -1 } })), 'invalid_request');
    assert.equal(code(await admin('tenant_set_limits', { tenant, limits: { bogus: 1 } })), 'invalid_request');
    assert.equal(code(await admin('tenant_show', { tenant: uniqueName() })), 'not_found');

    // Deletion kills its services, revokes its tokens and removes its NATS user.
    const nc = await tenantConnection(creds);
    assert.equal((await request(nc, tenantApiSubject(tenant as TenantId, 'deploy'), { service_id: 'c', source: example('counter') }, creds.token))['ok'], true);
    await nc.close();
    const del = await admin('tenant_delete', { tenant });
    assert.equal(del['ok'], true, JSON.stringify(del));
    assert.equal(del['services_killed'], 1);
    assert.ok(Number(del['tokens_revoked']) >= 1);
    assert.equal(code(await f.api(tenant, 'list', {}, undefined, creds.token)), 'unauthorized');
    await assert.rejects(tenantConnection(creds));
  });

  it('enforces max_services and max_memory_mb at deploy', async () => {
    const { tenant, creds } = await createTenant({ max_services: 1, max_memory_mb: 64 });
    const ok = await f.api(tenant, 'deploy', { service_id: 'a', source: example('counter'), limits: { memory_mb: 32 } }, undefined, creds.token);
    assert.equal(ok['ok'], true, JSON.stringify(ok));
    const second = await f.api(tenant, 'deploy', { service_id: 'b', source: example('counter'), limits: { memory_mb: 8 } }, undefined, creds.token);
    assert.equal(code(second), 'limit_exceeded');
    await admin('tenant_set_limits', { tenant, limits: { max_services: 5 } });
    const big = await f.api(tenant, 'deploy', { service_id: 'b', source: example('counter'), limits: { memory_mb: 64 } }, undefined, creds.token);
    assert.equal(code(big), 'limit_exceeded');
    assert.match(JSON.stringify(big), /max_memory_mb/);
  });
});

describe('capability tokens on the NATS door', () => {
  it('refuses a missing, forged, truncated, oversized or foreign token', async () => {
    const { tenant, creds } = await createTenant();
    const { tenant: other } = await createTenant();
    const cases: Array<[string | undefined, string, string]> = [
      [undefined, 'unauthorized', 'missing'],
      ['', 'unauthorized', 'missing'],
      [`${creds.token.slice(0, -3)}AAA`, 'unauthorized', 'bad_signature'],
      [creds.token.slice(0, creds.token.length - 10), 'unauthorized', 'malformed'],
      [creds.token.split('.').slice(0, 2).join('.'), 'unauthorized', 'malformed'],
      ['not-a-token', 'unauthorized', 'malformed'],
      [`solo1.${'A'.repeat(5000)}.x`, 'unauthorized', 'too_long'],
    ];
    for (const [token, want, why] of cases) {
      const r = await f.api(tenant, 'list', {}, undefined, token ?? '');
      assert.equal(code(r), want, `${why}: ${JSON.stringify(r)}`);
      assert.equal(reason(r), why, JSON.stringify(r));
    }
    // Tenant A's valid token on B's subject.
    const foreign = await f.api(other, 'list', {}, undefined, creds.token);
    assert.equal(code(foreign), 'forbidden');
    assert.equal(reason(foreign), 'wrong_tenant');
    // The service subject checks the token too.
    const call = await request(f.nc, serviceSubject(other as TenantId, 'x' as ServiceId), {}, creds.token);
    assert.equal(code(call), 'forbidden');
  });

  it('grants narrower tokens only, attenuates without the node, and refuses widening', async () => {
    const { tenant, creds } = await createTenant();
    const api = (verb: string, body: unknown, token: string): Promise<Reply> => f.api(tenant, verb, body, undefined, token);
    assert.equal((await api('deploy', { service_id: 'api-1', source: example('counter') }, creds.token))['ok'], true);
    assert.equal((await api('deploy', { service_id: 'db', source: example('counter') }, creds.token))['ok'], true);

    const g = await api('token_grant', { permissions: ['call', 'status', 'tokens:grant'], services: ['api-*'], ttl_s: 3600, label: 'caller' }, creds.token);
    assert.equal(g['ok'], true, JSON.stringify(g));
    const narrow = String(g['token']);
    assert.equal((await api('call', { service_id: 'api-1', message: { op: 'get' } }, narrow))['ok'], true);
    assert.equal(reason(await api('call', { service_id: 'db', message: { op: 'get' } }, narrow)), 'service_not_covered');
    assert.equal(reason(await api('deploy', { service_id: 'api-2', source: example('counter') }, narrow)), 'missing_permission');
    // A holder cannot grant more than it has.
    assert.equal(code(await api('token_grant', { permissions: ['deploy'] }, narrow)), 'forbidden');
    assert.equal(code(await api('token_grant', { permissions: ['call'], services: ['*'] }, narrow)), 'forbidden');
    assert.equal(code(await api('token_grant', { permissions: ['admin'] }, creds.token)), 'forbidden');
    assert.equal(code(await api('token_grant', { permissions: ['teleport'] }, creds.token)), 'invalid_request');
    assert.equal(code(await api('token_grant', { permissions: ['call'], ttl_s: 10 ** 9 }, creds.token)), 'invalid_request');

    // Attenuation by the holder: the node accepts the narrower token, and refuses one that widens.
    const statusOnly = attenuateToken(narrow, { perms: ['status'] });
    assert.equal((await api('status', { service_id: 'api-1' }, statusOnly))['ok'], true);
    assert.equal(reason(await api('call', { service_id: 'api-1', message: null }, statusOnly)), 'missing_permission');
    assert.throws(() => attenuateToken(statusOnly, { perms: ['deploy'] }), (e: Error & { code?: string }) => e.code === 'forbidden');
    // Forge a widening caveat by hand (what a hostile holder could compute): the node refuses it.
    const parts = statusOnly.split('.');
    const sig = Buffer.from(parts.pop() as string, 'base64url');
    const block = Buffer.from(JSON.stringify({ id: 'widen0000001', perms: ['deploy'] })).toString('base64url');
    const widened = [...parts, block, createHmac('sha256', sig).update(block).digest('base64url')].join('.');
    assert.equal(reason(await api('status', { service_id: 'api-1' }, widened)), 'widened');
    // A caveat naming an unknown permission.
    const bogus = Buffer.from(JSON.stringify({ id: 'bogus0000001', perms: ['teleport'] })).toString('base64url');
    const unknownPerm = [...parts, bogus, createHmac('sha256', sig).update(bogus).digest('base64url')].join('.');
    assert.equal(reason(await api('status', { service_id: 'api-1' }, unknownPerm)), 'unknown_permission');
    // An expired caveat.
    const expired = attenuateToken(narrow, { exp: Date.now() - 1000 });
    assert.equal(reason(await api('status', { service_id: 'api-1' }, expired)), 'expired');

    // Revoking the parent revokes its descendants, including ones the node never saw.
    const info = g['info'] as { token_id: string };
    const list = await api('token_list', {}, creds.token);
    assert.ok((list['tokens'] as Reply[]).some((t) => t['token_id'] === info.token_id));
    assert.equal((await api('token_revoke', { token_id: info.token_id }, creds.token))['revoked'], true);
    assert.equal(reason(await api('status', { service_id: 'api-1' }, narrow)), 'revoked');
    assert.equal(reason(await api('status', { service_id: 'api-1' }, statusOnly)), 'revoked');
    assert.equal(code(await api('token_revoke', { token_id: '../x' }, creds.token)), 'invalid_request');

    const events = await api('events', { type: 'capability_denied', limit: 1000 }, creds.token);
    const reasons = new Set((events['events'] as Array<{ data: { reason: string } }>).map((e) => e.data.reason));
    for (const r of ['service_not_covered', 'missing_permission', 'revoked']) assert.ok(reasons.has(r), `capability_denied ${r}`);
    const granted = await api('events', { type: 'capability_granted', limit: 1000 }, creds.token);
    assert.ok((granted['events'] as Array<{ data: Record<string, unknown> }>).every((e) => !JSON.stringify(e).includes(narrow)), 'the token text is never in an event');
  });

  it('rate-limits per tenant and per token with a retry hint, without touching other tenants', async () => {
    const { tenant, creds } = await createTenant({ rate: { requests_per_second: 1, burst: 3 } });
    const { tenant: calm, creds: calmCreds } = await createTenant();
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i++) codes.push(code(await f.api(tenant, 'list', {}, undefined, creds.token)) ?? 'ok');
    assert.deepEqual(codes.slice(0, 3), ['ok', 'ok', 'ok']);
    assert.ok(codes.includes('rate_limited'), JSON.stringify(codes));
    const limited = await f.api(tenant, 'list', {}, undefined, creds.token);
    assert.equal(code(limited), 'rate_limited');
    assert.ok(Number((limited['error'] as { details: { retry_after_ms: number } }).details.retry_after_ms) > 0);
    for (let i = 0; i < 10; i++) assert.equal((await f.api(calm, 'list', {}, undefined, calmCreds.token))['ok'], true);

    // A token's own limit applies on top.
    const g = await f.api(calm, 'token_grant', { permissions: ['list'], rate_limit: { requests_per_second: 1, burst: 1 } }, undefined, calmCreds.token);
    const slow = String(g['token']);
    assert.equal((await f.api(calm, 'list', {}, undefined, slow))['ok'], true);
    assert.equal(code(await f.api(calm, 'list', {}, undefined, slow)), 'rate_limited');
  });
});

describe('isolation on the bus (nats-server enforces it)', () => {
  it("refuses a tenant's raw client everything outside its own subjects", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const nc = await tenantConnection(a.creds);
    try {
      // Its own API works.
      assert.equal((await request(nc, tenantApiSubject(a.tenant as TenantId, 'list'), {}, a.creds.token))['ok'], true);
      // Requests to B's API or services are refused by the server itself.
      await assert.rejects(request(nc, tenantApiSubject(b.tenant as TenantId, 'list'), {}, a.creds.token), /permission|503|no responders/i);
      await assert.rejects(request(nc, serviceSubject(b.tenant as TenantId, 'x' as ServiceId), {}, a.creds.token), /permission|503|no responders/i);
      await assert.rejects(request(nc, '$JS.API.STREAM.INFO.SOLO_EVENTS', {}, undefined), /permission|503|no responders/i);
      // Subscriptions outside its inbox fail.
      for (const subject of ['solo.>', `_INBOX_${b.tenant}.>`, 'solo.ev.>', `solo.t.${b.tenant}.api.>`]) {
        const errs: unknown[] = [];
        const sub = nc.subscribe(subject, { callback: (err) => errs.push(err) });
        await waitFor(() => errs.length > 0 || sub.isClosed(), { timeoutMs: 5000 });
        assert.ok(errs.length > 0 || sub.isClosed(), subject);
      }
    } finally {
      await nc.close().catch(() => {});
    }
    // Anonymous connections are refused.
    await assert.rejects(connect({ servers: f.node.info.nats_url, timeout: 3000, maxReconnectAttempts: 0 }));
  });

  it("refuses a follow that would deliver to another tenant's inbox", async () => {
    const a = await createTenant();
    const r = await f.api(a.tenant, 'events_follow', { inbox: '_INBOX_someoneelse.x' }, undefined, a.creds.token);
    assert.equal(code(r), 'forbidden');
    assert.equal(reason(r), 'foreign_inbox');
  });
});

const secretReader = `
export default {
  init() { return {}; },
  async handleCall(msg, state, ctx) {
    if (msg.op === 'read') {
      try { const v = await ctx.secret(msg.name); return { reply: { length: v.length, matches: v === msg.expect }, state }; }
      catch (err) { return { reply: { error: err.code }, state }; }
    }
    if (msg.op === 'call') {
      try { return { reply: await ctx.call(msg.target, { op: 'get' }), state }; }
      catch (err) { return { reply: { error: err.code }, state }; }
    }
    return { reply: null, state };
  },
};`;

describe('secrets and what a service may do through ctx', () => {
  it('stores secrets, never returns them, and lets only permitted services read them', async () => {
    const { tenant, creds } = await createTenant();
    const api = (verb: string, body: unknown, token = creds.token): Promise<Reply> => f.api(tenant, verb, body, undefined, token);
    const plaintext = `PLANTED-${uniqueName()}-s3cr3t`;
    const set = await api('secret_set', { name: 'db_password', value: plaintext });
    assert.equal(set['ok'], true, JSON.stringify(set));
    assert.equal((set['secret'] as { size: number }).size, plaintext.length);
    assert.deepEqual(await api('secret_exists', { name: 'db_password' }), { ok: true, name: 'db_password', exists: true });
    assert.equal((await api('secret_exists', { name: 'nope' }))['exists'], false);
    const ls = await api('secret_list', {});
    assert.deepEqual((ls['secrets'] as Reply[]).map((s) => s['name']), ['db_password']);

    // Bad input.
    for (const name of ['../etc', 'a/b', 'a.b', 'solo.>', '*', '', 'x'.repeat(129)]) {
      assert.equal(code(await api('secret_set', { name, value: 'v' })), 'invalid_request', name);
    }
    assert.equal(code(await api('secret_set', { name: 'huge', value: 'x'.repeat(64 * 1024 + 1) })), 'limit_exceeded');
    assert.equal(code(await api('secret_set', { name: 'n', value: 42 })), 'invalid_request');

    // A service deployed with the tenant token reads it; one deployed with a token lacking secrets:read cannot.
    assert.equal((await api('deploy', { service_id: 'reader', source: secretReader }))['ok'], true);
    const r = await api('call', { service_id: 'reader', message: { op: 'read', name: 'db_password', expect: plaintext } });
    assert.deepEqual(r['reply'], { length: plaintext.length, matches: true });
    assert.deepEqual((await api('call', { service_id: 'reader', message: { op: 'read', name: 'missing' } }))['reply'], { error: 'not_found' });
    const narrow = String((await api('token_grant', { permissions: ['deploy', 'call'], services: ['limited*'] }))['token']);
    assert.equal((await api('deploy', { service_id: 'limited', source: secretReader }, narrow))['ok'], true);
    assert.deepEqual((await api('call', { service_id: 'limited', message: { op: 'read', name: 'db_password' } }))['reply'], { error: 'forbidden' });
    // ...and may not call services outside its patterns.
    assert.deepEqual((await api('call', { service_id: 'limited', message: { op: 'call', target: 'reader' } }))['reply'], { error: 'forbidden' });

    // Agents cannot read values: no verb returns them. A narrow token cannot manage secrets.
    assert.equal(code(await api('secret_list', {}, narrow)), 'forbidden');
    assert.equal(code(await api('secret_set', { name: 'x', value: 'y' }, narrow)), 'forbidden');

    // The plaintext appears in no event, no log line, no error reply and no file of the data dir.
    const ev = await api('events', { limit: 1000 });
    assert.ok(!JSON.stringify(ev).includes(plaintext));
    const types = new Set((ev['events'] as Array<{ type: string }>).map((e) => e.type));
    for (const t of ['secret_stored', 'secret_accessed', 'secret_access_denied']) assert.ok(types.has(t), t);
    const logs = await api('logs', { limit: 1000 });
    assert.ok(!JSON.stringify(logs).includes(plaintext));
    assert.equal((await api('secret_delete', { name: 'db_password' }))['deleted'], true);
    assert.equal((await api('secret_exists', { name: 'db_password' }))['exists'], false);
    const needle = Buffer.from(plaintext);
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
    for (const file of walk(f.dir.path)) {
      assert.ok(!readFileSync(file).includes(needle), `plaintext found in ${file}`);
    }
  });

  it('rotates the master key without downtime', async () => {
    const { tenant, creds } = await createTenant();
    await f.api(tenant, 'secret_set', { name: 'k', value: 'value-1' }, undefined, creds.token);
    assert.equal((await f.api(tenant, 'deploy', { service_id: 'reader', source: secretReader }, undefined, creds.token))['ok'], true);
    const rot = await admin('secrets_rotate_master', {});
    assert.equal(rot['ok'], true, JSON.stringify(rot));
    assert.ok(Number(rot['rewrapped']) >= 1);
    const r = await f.api(tenant, 'call', { service_id: 'reader', message: { op: 'read', name: 'k', expect: 'value-1' } }, undefined, creds.token);
    assert.deepEqual(r['reply'], { length: 7, matches: true });
  });
});

describe('audit', () => {
  it('records every request with its token id and raises a security alert on repeated denials', async () => {
    const { tenant, creds } = await createTenant();
    await f.api(tenant, 'list', {}, undefined, creds.token);
    for (let i = 0; i < 12; i++) await f.api(tenant, 'list', {}, undefined, 'solo1.garbage.sig');
    await waitFor(async () => {
      const r = await admin('audit_export', { tenant, limit: 100 });
      return ((r['records'] as Reply[] | undefined) ?? []).length >= 13;
    });
    const r = await admin('audit_export', { tenant, limit: 100 });
    const records = r['records'] as Array<{ verb: string; outcome: string; token_id: string | null; correlation_id: string; duration_ms: number; door: string }>;
    assert.ok(records.some((x) => x.outcome === 'ok' && x.token_id !== null && x.verb === 'list' && x.door === 'nats'));
    assert.ok(records.filter((x) => x.outcome === 'unauthorized').length >= 12);
    assert.ok(records.every((x) => typeof x.correlation_id === 'string' && typeof x.duration_ms === 'number'));
    assert.equal(code(await admin('audit_export', { since: 'yesterday' })), 'invalid_request');
    await waitFor(async () => {
      const ev = await f.api(tenant, 'events', { type: 'security_alert' });
      return ((ev['events'] as unknown[] | undefined) ?? []).length > 0;
    });
  });
});

describe('across restarts', () => {
  it('keeps persistent tokens and revocations, drops ephemeral tokens', async () => {
    const dir = createTempDir('solo-sec-');
    let node = await startNode({ dataDir: dir.path });
    const call = async (verb: string, body: unknown, tenant: string, token: string): Promise<Reply> => {
      const nc = await connect({ servers: node.info.nats_url, ...natsAuthOptions(node.kernelNats!) });
      try {
        return await request(nc, verb === 'admin' ? adminApiSubject('tenant_create') : tenantApiSubject(tenant as TenantId, verb), body, token);
      } finally {
        await nc.close();
      }
    };
    try {
      const adminToken = node.adminToken;
      const t = uniqueName();
      const created = await call('admin', { tenant: t }, t, adminToken);
      const tenantToken = (created['credentials'] as SoloCredentials).token;
      const keep = String((await call('token_grant', { permissions: ['list'] }, t, tenantToken))['token']);
      const gone = String((await call('token_grant', { permissions: ['list'], persistent: false }, t, tenantToken))['token']);
      const revoked = await call('token_grant', { permissions: ['list'] }, t, tenantToken);
      await call('token_revoke', { token_id: (revoked['info'] as { token_id: string }).token_id }, t, tenantToken);
      assert.equal((await call('list', {}, t, gone))['ok'], true);
      await node.stop();
      node = await startNode({ dataDir: dir.path });
      assert.equal(node.adminToken, adminToken, 'the admin token survives restarts');
      assert.equal((await call('list', {}, t, keep))['ok'], true);
      assert.equal(reason(await call('list', {}, t, gone)), 'unknown_token');
      assert.equal(reason(await call('list', {}, t, String(revoked['token']))), 'revoked');
    } finally {
      await node.stop();
      dir.remove();
    }
  });
});
