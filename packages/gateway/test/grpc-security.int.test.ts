// Capability tokens on the gRPC door (issue #5): the token in metadata on every call, checked against the
// client certificate's tenant; the security RPCs (grant, revoke, list tokens; set, list, check, delete
// secrets); HotSwap, Replace and Rollback; and the same request observation as the other doors (metrics,
// a server span continuing `traceparent`, the audit record). Tenants are real ones (`tenant_create`).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type Client } from '@grpc/grpc-js';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { headers } from 'nats';
import { HEADERS, adminApiSubject } from '@solo/protocol';
import { createTempDir, uniqueName, waitFor, type TempDir } from '@solo/testkit';
import { startTracing, type Tracing } from '@solo/gateway';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { clientTls, failure, soloClient, unary, unaryJson, type ClientTls } from './grpc-client.ts';
import { sampleValue, scrapeMetrics } from './metrics-scrape.ts';
import { createTenant, forged, type TenantToken } from './tenant-tokens.ts';

const exporter = new InMemorySpanExporter();
let tracing: Tracing | null;
let f: NodeFixture;
let certs: TempDir;
let a: TenantToken;
let b: TenantToken;
let aTls: ClientTls;
let bTls: ClientTls;
let adminTls: ClientTls;
const clients: Client[] = [];

before(async () => {
  tracing = await startTracing({ env: {}, exporter, processor: 'simple' });
  f = await startNodeFixture();
  certs = createTempDir('solo-grpc-sec-');
  a = await createTenant(f, 'ga');
  b = await createTenant(f, 'gb');
  aTls = await clientTls(f.dir.path, a.tenant, certs.path);
  bTls = await clientTls(f.dir.path, b.tenant, certs.path);
  adminTls = await clientTls(f.dir.path, 'admin', certs.path);
});
after(async () => {
  for (const c of clients) c.close();
  await f.close();
  certs.remove();
  await tracing?.shutdown();
});
beforeEach(() => exporter.reset());

/** A SoloKernel client with `tls` and `token` (closed after the file). */
function client(tls: ClientTls, o: { token?: string; authorization?: string } = {}): Client {
  const c = soloClient(f.node.info.grpc_url, tls, o);
  clients.push(c);
  return c;
}

type Json = Record<string, unknown>;
const codeOf = async (p: Promise<unknown>): Promise<[number, string | undefined]> => {
  const r = await failure(p);
  return [r.status, r.code];
};

describe('gRPC door: tokens', () => {
  it('refuses a call without a token, with a forged, truncated or non-bearer one (UNAUTHENTICATED)', async () => {
    const cases: Array<[string, Client]> = [
      ['none', client(aTls)],
      ['forged', client(aTls, { token: forged(a.token) })],
      ['truncated', client(aTls, { token: a.token.slice(0, 40) })],
      ['garbage', client(aTls, { token: 'not-a-token' })],
      ['basic', client(aTls, { authorization: 'Basic YTpi' })],
    ];
    for (const [name, c] of cases) {
      assert.deepEqual(await codeOf(unary(c, 'List', {})), [status.UNAUTHENTICATED, 'unauthorized'], name);
      assert.deepEqual(await codeOf(unary(c, 'Health', {})), [status.UNAUTHENTICATED, 'unauthorized'], `${name} Health`);
    }
    const r = await failure(unary(cases[1]![1], 'List', {}));
    assert.equal(r.soloDetails?.['reason'], 'bad_signature');
  });

  it("refuses a tenant-A certificate with tenant B's token, and a tenant certificate with the admin token", async () => {
    const crossed = client(aTls, { token: b.token });
    assert.deepEqual(await codeOf(unary(crossed, 'List', {})), [status.PERMISSION_DENIED, 'forbidden']);
    // Naming B does not help: the certificate is A's.
    const named = await failure(unary(crossed, 'List', { tenant: b.tenant }));
    assert.deepEqual([named.status, named.code, named.soloDetails?.['reason']], [status.UNAUTHENTICATED, 'unauthorized', 'certificate_tenant_mismatch']);
    const adminToken = await failure(unary(client(aTls, { token: f.adminToken }), 'List', {}));
    assert.deepEqual([adminToken.code, adminToken.soloDetails?.['reason']], ['unauthorized', 'certificate_token_mismatch']);
    // B's own pair works, and sees nothing of A's.
    await unaryJson(client(aTls, { token: a.token }), 'Deploy', { service_id: 'only-a', source: example('counter') });
    assert.equal((await unaryJson(client(bTls, { token: b.token }), 'List', {}))['total'], 0);
  });

  it('lets the admin certificate with the admin token act for the tenant a request names', async () => {
    const admin = client(adminTls, { token: f.adminToken });
    const t = uniqueName('gadm');
    assert.equal((await unaryJson(admin, 'Deploy', { tenant: t, service_id: 'c', source: example('counter') }))['version'], 1);
    assert.equal((await unaryJson(admin, 'List', { tenant: t }))['total'], 1);
    assert.deepEqual(await codeOf(unary(admin, 'List', {})), [status.INVALID_ARGUMENT, 'invalid_request']);
    assert.equal((await unaryJson(admin, 'Health', {}))['status'], 'ready');
    assert.deepEqual(await codeOf(unary(client(adminTls), 'List', { tenant: t })), [status.UNAUTHENTICATED, 'unauthorized']);
    // The admin certificate with a tenant's token acts for that tenant only.
    const withA = client(adminTls, { token: a.token });
    assert.equal((await unaryJson(withA, 'List', { tenant: a.tenant }))['total'] as number >= 0, true);
    assert.deepEqual(await codeOf(unary(withA, 'List', { tenant: t })), [status.PERMISSION_DENIED, 'forbidden']);
  });

  it('refuses what a narrow token was not granted (PERMISSION_DENIED)', async () => {
    const own = client(aTls, { token: a.token });
    const narrow = JSON.parse((await unary<{ json: string }>(own, 'GrantCapability', { permissions: ['status', 'list'] })).json) as { token: string };
    const c = client(aTls, { token: narrow.token });
    assert.ok(Array.isArray((await unaryJson(c, 'List', {}))['services']));
    const refused = await failure(unary(c, 'Deploy', { service_id: 'x', source: example('counter') }));
    assert.deepEqual([refused.status, refused.code, refused.soloDetails?.['reason']], [status.PERMISSION_DENIED, 'forbidden', 'missing_permission']);
    assert.deepEqual(await codeOf(unary(c, 'HotSwap', { service_id: 'only-a', source: example('counter') })), [status.PERMISSION_DENIED, 'forbidden']);
    assert.deepEqual(await codeOf(unary(c, 'SetSecret', { name: 'K', value: 'v' })), [status.PERMISSION_DENIED, 'forbidden']);
    assert.deepEqual(await codeOf(unary(c, 'GrantCapability', { permissions: ['list'] })), [status.PERMISSION_DENIED, 'forbidden']);
  });

  it('grants, uses, lists and revokes a token; the revoked token is refused', async () => {
    const own = client(aTls, { token: a.token });
    const g = await unaryJson(own, 'GrantCapability', { permissions: ['list'], ttl_s: 600, label: 'ci', rate_limit: { requests_per_second: 100, burst: 10 } });
    const info = g['info'] as Json;
    assert.deepEqual([info['tenant'], info['permissions'], info['label'], info['rate_limit']], [a.tenant, ['list'], 'ci', { requests_per_second: 100, burst: 10 }]);
    assert.equal(typeof info['expires_at'], 'string');
    const granted = client(aTls, { token: g['token'] as string });
    assert.ok(Array.isArray((await unaryJson(granted, 'List', {}))['services']));
    const listed = await unary<{ json: string }>(own, 'ListCapabilities', {});
    assert.ok((JSON.parse(listed.json) as { tokens: Json[] }).tokens.some((t) => t['token_id'] === info['token_id']));
    assert.ok(!listed.json.includes(g['token'] as string), 'the list never carries token text');
    assert.deepEqual(await unaryJson(own, 'RevokeCapability', { token_id: info['token_id'] }), { token_id: info['token_id'], revoked: true });
    const refused = await failure(unary(granted, 'List', {}));
    assert.deepEqual([refused.code, refused.soloDetails?.['reason']], ['unauthorized', 'revoked']);
    // B cannot revoke A's token.
    const other = await unaryJson(own, 'GrantCapability', { permissions: ['list'] });
    assert.deepEqual(await codeOf(unary(client(bTls, { token: b.token }), 'RevokeCapability', { token_id: (other['info'] as Json)['token_id'] })), [status.PERMISSION_DENIED, 'forbidden']);
  });

  it('refuses a bad grant or revoke with invalid_request (INVALID_ARGUMENT)', async () => {
    const own = client(aTls, { token: a.token });
    const before = (JSON.parse((await unary<{ json: string }>(own, 'ListCapabilities', {})).json) as { tokens: unknown[] }).tokens.length;
    for (const req of [{ permissions: ['fly'] }, { permissions: [] }, { permissions: ['list'], services: ['a/b'] }, { permissions: ['list'], rate_limit: { requests_per_second: 0, burst: 1 } }]) {
      assert.deepEqual(await codeOf(unary(own, 'GrantCapability', req)), [status.INVALID_ARGUMENT, 'invalid_request'], JSON.stringify(req));
    }
    assert.deepEqual(await codeOf(unary(own, 'GrantCapability', { permissions: ['admin'] })), [status.PERMISSION_DENIED, 'forbidden']);
    assert.deepEqual(await codeOf(unary(own, 'RevokeCapability', { token_id: 'x' })), [status.INVALID_ARGUMENT, 'invalid_request']);
    assert.equal((JSON.parse((await unary<{ json: string }>(own, 'ListCapabilities', {})).json) as { tokens: unknown[] }).tokens.length, before);
  });
});

describe('gRPC door: secrets', () => {
  it('sets, lists, checks and deletes a secret, and no reply carries its value', async () => {
    const t = await createTenant(f, 'gs');
    const c = client(await clientTls(f.dir.path, t.tenant, certs.path), { token: t.token });
    const value = `sk_live_${uniqueName('v')}`;
    const replies: string[] = [];
    const call = async (method: string, req: Json): Promise<Json> => {
      const r = await unary<{ json: string }>(c, method, req);
      replies.push(r.json);
      return JSON.parse(r.json) as Json;
    };
    const set = (await call('SetSecret', { name: 'DB_URL', value }))['secret'] as Json;
    assert.deepEqual([set['name'], set['size'], set['version']], ['DB_URL', value.length, 1]);
    assert.deepEqual(((await call('ListSecrets', {}))['secrets'] as Json[]).map((s) => s['name']), ['DB_URL']);
    assert.deepEqual(await call('SecretExists', { name: 'DB_URL' }), { name: 'DB_URL', exists: true });
    assert.deepEqual(await call('DeleteSecret', { name: 'DB_URL' }), { name: 'DB_URL', deleted: true });
    assert.deepEqual(await call('SecretExists', { name: 'DB_URL' }), { name: 'DB_URL', exists: false });
    for (const text of replies) assert.ok(!text.includes(value), text);
    // Another tenant's pair cannot see it.
    await call('SetSecret', { name: 'KEEP', value });
    assert.deepEqual(await unaryJson(client(bTls, { token: b.token }), 'SecretExists', { name: 'KEEP' }), { name: 'KEEP', exists: false });
  });

  it('refuses bad names and oversize values, storing nothing', async () => {
    const t = await createTenant(f, 'gv');
    const c = client(await clientTls(f.dir.path, t.tenant, certs.path), { token: t.token });
    for (const name of ['a/b', 'a.b', '', '1X']) {
      assert.deepEqual(await codeOf(unary(c, 'SetSecret', { name, value: 'x' })), [status.INVALID_ARGUMENT, 'invalid_request'], name);
      assert.deepEqual(await codeOf(unary(c, 'SecretExists', { name })), [status.INVALID_ARGUMENT, 'invalid_request'], name);
    }
    const big = await failure(unary(c, 'SetSecret', { name: 'BIG', value: 'x'.repeat(64 * 1024 + 1) }));
    assert.deepEqual([big.status, big.code], [status.OUT_OF_RANGE, 'limit_exceeded']);
    assert.ok(!big.details.includes('xxxx'));
    assert.deepEqual(await unaryJson(c, 'ListSecrets', {}), { secrets: [] });
  });
});

describe('gRPC door: code changes', () => {
  it('hot swaps keeping the state, replaces with a fresh state, and rolls back', async () => {
    const c = client(aTls, { token: a.token });
    await unaryJson(c, 'Deploy', { service_id: 'swapped', source: example('counter') });
    await unary(c, 'Call', { service_id: 'swapped', message_json: '{"op":"inc","by":4}' });
    const v2 = example('counter').replace("version: '1.0.0'", "version: '2.0.0'");
    const s = await unaryJson(c, 'HotSwap', { service_id: 'swapped', source: v2, rollback_window_ms: 0 });
    assert.deepEqual([s['version'], s['from_version'], s['code_version'], s['rollback_window_ms']], [2, 1, '2.0.0', 0]);
    const st = await unaryJson(c, 'Status', { service_id: 'swapped' });
    assert.deepEqual([st['version'], st['code_version']], [2, '2.0.0']);
    const got = await unary<{ reply_json: string }>(c, 'Call', { service_id: 'swapped', message_json: '{}' });
    assert.deepEqual(JSON.parse(got.reply_json), { count: 4 });
    const v3 = example('counter').replace("version: '1.0.0'", "version: '3.0.0'");
    assert.equal((await unaryJson(c, 'Replace', { service_id: 'swapped', source: v3 }))['version'], 3);
    assert.deepEqual(JSON.parse((await unary<{ reply_json: string }>(c, 'Call', { service_id: 'swapped', message_json: '{}' })).reply_json), { count: 0 });
    const back = await unaryJson(c, 'Rollback', { service_id: 'swapped', to_version: 2 });
    assert.equal((await unaryJson(c, 'Status', { service_id: 'swapped' }))['code_version'], '2.0.0', JSON.stringify(back));
  });

  it('refuses a bad code change with the NATS door codes, and changes nothing', async () => {
    const c = client(aTls, { token: a.token });
    await unaryJson(c, 'Deploy', { service_id: 'stable', source: example('counter') });
    const cases: Array<[string, Json, string]> = [
      ['HotSwap', { service_id: 'ghost', source: example('counter') }, 'not_found'],
      ['HotSwap', { service_id: 'stable', source: '' }, 'invalid_request'],
      ['HotSwap', { service_id: 'Bad!', source: example('counter') }, 'invalid_request'],
      ['HotSwap', { service_id: 'stable', source: 'export default {' }, 'compile_error'],
      ['HotSwap', { service_id: 'stable', source: example('counter'), rollback_window_ms: 3_600_001 }, 'invalid_request'],
      ['Replace', { service_id: 'ghost', source: example('counter') }, 'not_found'],
      ['Rollback', { service_id: 'stable', to_version: 9 }, 'not_found'],
    ];
    for (const [method, req, code] of cases) assert.equal((await failure(unary(c, method, req))).code, code, `${method} ${JSON.stringify(req).slice(0, 60)}`);
    assert.equal((await unaryJson(c, 'Status', { service_id: 'stable' }))['version'], 1);
  });
});

describe('gRPC door: observation', () => {
  it('counts calls under door="grpc", continues the caller trace, and audits the token id and correlation id', async () => {
    const c = client(aTls, { token: a.token });
    const traceId = 'a'.repeat(31) + '1';
    const parentSpan = 'b'.repeat(15) + '2';
    const correlationId = uniqueName('corr');
    const before = await scrapeMetrics(f.node.http.url);
    await unaryJson(c, 'List', {}, { metadata: { traceparent: `00-${traceId}-${parentSpan}-01`, [HEADERS.correlationId.toLowerCase()]: correlationId } });
    const failedId = uniqueName('corr');
    const refused = await failure(unary(client(aTls), 'List', {}, { metadata: { [HEADERS.correlationId.toLowerCase()]: failedId } }));
    assert.equal(refused.correlationId, failedId);
    const after = await scrapeMetrics(f.node.http.url);
    const count = (text: string, code: string): number => sampleValue(text, 'solo_api_requests_total', { door: 'grpc', verb: 'list', code }) ?? 0;
    assert.equal(count(after, 'ok') - count(before, 'ok'), 1);
    assert.equal(count(after, 'unauthorized') - count(before, 'unauthorized'), 1);
    await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === 'solo.grpc.list' && s.spanContext().traceId === traceId), { timeoutMs: 10_000 });
    const span = exporter.getFinishedSpans().find((s) => s.name === 'solo.grpc.list' && s.spanContext().traceId === traceId);
    assert.equal(span?.parentSpanContext?.spanId, parentSpan);
    const own = JSON.parse((await unary<{ json: string }>(c, 'ListCapabilities', {})).json) as { tokens: Json[] };
    const find = async (id: string): Promise<Json | undefined> => {
      const h = headers();
      h.set(HEADERS.token, f.adminToken);
      const m = await f.nc.request(adminApiSubject('audit_export'), new TextEncoder().encode(JSON.stringify({ limit: 10_000 })), { timeout: 15_000, headers: h });
      return (JSON.parse(new TextDecoder().decode(m.data)) as { records?: Json[] }).records?.find((r) => r['correlation_id'] === id);
    };
    await waitFor(async () => (await find(correlationId)) !== undefined && (await find(failedId)) !== undefined, { timeoutMs: 15_000 });
    const ok = await find(correlationId);
    assert.deepEqual([ok?.['door'], ok?.['verb'], ok?.['tenant'], ok?.['outcome']], ['grpc', 'list', a.tenant, 'ok']);
    assert.ok(own.tokens.some((t) => t['token_id'] === ok?.['token_id']), 'the audit record names the tenant token');
    const denied = await find(failedId);
    assert.deepEqual([denied?.['door'], denied?.['tenant'], denied?.['token_id'], denied?.['outcome']], ['grpc', a.tenant, null, 'unauthorized']);
  });
});
