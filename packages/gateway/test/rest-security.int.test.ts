// Capability tokens on the REST door (issue #5): the tenant comes from the bearer token, a tenant's token cannot
// act for another tenant, narrow and revoked tokens are refused, rate limits answer 429 with Retry-After; the
// token and secret resources; tokens on SSE streams; the token id in the audit trail. Every tenant here is a
// real one, made with the operator verb `tenant_create`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headers } from 'nats';
import { HEADERS, adminApiSubject } from '@solo/protocol';
import { uniqueName, waitFor } from '@solo/testkit';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { createTenant, forged, type TenantToken } from './tenant-tokens.ts';

let f: NodeFixture;
let base: string;
let a: TenantToken;
let b: TenantToken;
before(async () => {
  f = await startNodeFixture();
  base = f.node.info.http_url;
  a = await createTenant(f, 'ra');
  b = await createTenant(f, 'rb');
});
after(async () => {
  await f.close();
});

type Body = Record<string, unknown>;
interface Answer {
  status: number;
  body: Body;
  text: string;
  headers: Headers;
}

/** A REST request with `token` (none when null) and extra headers. */
async function rest(token: string | null, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> {
  const h: Record<string, string> = { ...extra };
  if (token !== null) h['authorization'] = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers: h, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Body, text, headers: res.headers };
}

const errorOf = (r: Answer): [number, unknown] => [r.status, r.body['error']];
const reasonOf = (r: Answer): unknown => (r.body['details'] as Body | undefined)?.['reason'];

/** Grants a token through `POST /tokens` with `by`'s token. */
async function grant(by: string, request: Body): Promise<{ token: string; info: Body }> {
  const r = await rest(by, 'POST', '/tokens', request);
  assert.equal(r.status, 201, r.text);
  return r.body as { token: string; info: Body };
}

describe('REST: bearer tokens', () => {
  it('refuses a request without a token, with a forged, truncated or non-bearer one, and X-Tenant-ID alone', async () => {
    const cases: Array<[string, Answer]> = [
      ['none', await rest(null, 'GET', '/services')],
      ['x-tenant-id', await rest(null, 'GET', '/services', undefined, { 'x-tenant-id': a.tenant })],
      ['x-solo-tenant without token', await rest(null, 'GET', '/services', undefined, { 'x-solo-tenant': a.tenant })],
      ['forged', await rest(forged(a.token), 'GET', '/services')],
      ['truncated', await rest(a.token.slice(0, 40), 'GET', '/services')],
      ['garbage', await rest('not-a-token', 'GET', '/services')],
      ['basic', await rest(null, 'GET', '/services', undefined, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
    ];
    for (const [name, r] of cases) {
      assert.deepEqual(errorOf(r), [401, 'unauthorized'], name);
      assert.deepEqual(Object.keys(r.body).filter((k) => k !== 'details').sort(), ['correlation_id', 'error', 'message', 'timestamp'], name);
    }
    assert.equal(reasonOf(cases[3]![1]), 'bad_signature');
  });

  it("acts for the token's own tenant, and refuses a tenant's token naming another tenant with forbidden", async () => {
    const d = await rest(a.token, 'POST', '/services', { service_id: 'mine', source: example('counter') });
    assert.equal(d.status, 201, d.text);
    assert.equal((await rest(a.token, 'GET', '/services')).body['total'], 1);
    // The same tenant named explicitly is fine; another is forbidden, by header or by query.
    assert.equal((await rest(a.token, 'GET', '/services', undefined, { 'x-solo-tenant': a.tenant })).status, 200);
    const header = await rest(a.token, 'GET', '/services', undefined, { 'x-solo-tenant': b.tenant });
    assert.deepEqual(errorOf(header), [403, 'forbidden']);
    assert.equal(reasonOf(header), 'wrong_tenant');
    assert.deepEqual(errorOf(await rest(a.token, 'GET', `/services?tenant=${b.tenant}`)), [403, 'forbidden']);
    assert.deepEqual(errorOf(await rest(a.token, 'GET', '/services/mine', undefined, { 'x-solo-tenant': b.tenant })), [403, 'forbidden']);
    assert.deepEqual(errorOf(await rest(a.token, 'DELETE', '/services/mine', undefined, { 'x-solo-tenant': b.tenant })), [403, 'forbidden']);
    // B does not see A's service, and cannot reach it.
    assert.equal((await rest(b.token, 'GET', '/services')).body['total'], 0);
    assert.deepEqual(errorOf(await rest(b.token, 'POST', '/services/mine/call', { message: {} })), [404, 'not_found']);
    assert.equal((await rest(a.token, 'GET', '/services/mine')).body['status'], 'running');
  });

  it('refuses what a narrow token was not granted: a permission, a service outside its patterns', async () => {
    const readOnly = await grant(a.token, { permissions: ['status', 'list'], label: 'read-only' });
    assert.equal((await rest(readOnly.token, 'GET', '/services')).status, 200);
    const deploy = await rest(readOnly.token, 'POST', '/services', { service_id: 'nope', source: example('counter') });
    assert.deepEqual(errorOf(deploy), [403, 'forbidden']);
    assert.equal(reasonOf(deploy), 'missing_permission');
    assert.deepEqual(errorOf(await rest(readOnly.token, 'PUT', '/services/mine/code', { source: example('counter') })), [403, 'forbidden']);
    assert.deepEqual(errorOf(await rest(readOnly.token, 'POST', '/tokens', { permissions: ['list'] })), [403, 'forbidden']);
    assert.deepEqual(errorOf(await rest(readOnly.token, 'POST', '/secrets', { name: 'K', value: 'v' })), [403, 'forbidden']);
    const apiOnly = await grant(a.token, { permissions: ['deploy', 'status'], services: ['api-*'] });
    assert.equal((await rest(apiOnly.token, 'POST', '/services', { service_id: 'api-1', source: example('counter') })).status, 201);
    const other = await rest(apiOnly.token, 'POST', '/services', { service_id: 'billing', source: example('counter') });
    assert.deepEqual(errorOf(other), [403, 'forbidden']);
    assert.equal(reasonOf(other), 'service_not_covered');
    assert.deepEqual(errorOf(await rest(apiOnly.token, 'GET', '/services/mine')), [403, 'forbidden']);
    assert.equal((await rest(a.token, 'GET', '/services/billing')).status, 404);
  });

  it('grants, uses, lists and revokes a token; the revoked token is refused', async () => {
    const g = await grant(a.token, { permissions: ['list'], ttl_s: 600, label: 'ci' });
    assert.match(g.token, /^solo1\./);
    assert.deepEqual([g.info['tenant'], g.info['permissions'], g.info['label'], g.info['revoked']], [a.tenant, ['list'], 'ci', false]);
    assert.equal((await rest(g.token, 'GET', '/services')).status, 200);
    const listed = await rest(a.token, 'GET', '/tokens');
    assert.equal(listed.status, 200);
    assert.ok((listed.body['tokens'] as Body[]).some((t) => t['token_id'] === g.info['token_id']));
    assert.ok(!listed.text.includes(g.token), 'the list never carries token text');
    const revoked = await rest(a.token, 'DELETE', `/tokens/${String(g.info['token_id'])}`);
    assert.deepEqual([revoked.status, revoked.body], [200, { token_id: g.info['token_id'], revoked: true }]);
    const refused = await rest(g.token, 'GET', '/services');
    assert.deepEqual(errorOf(refused), [401, 'unauthorized']);
    assert.equal(reasonOf(refused), 'revoked');
    assert.equal((await rest(a.token, 'DELETE', `/tokens/${String(g.info['token_id'])}`)).body['revoked'], false);
    // B cannot revoke A's tokens, nor see them.
    const other = await grant(a.token, { permissions: ['list'] });
    assert.deepEqual(errorOf(await rest(b.token, 'DELETE', `/tokens/${String(other.info['token_id'])}`)), [403, 'forbidden']);
    assert.ok(!(await rest(b.token, 'GET', '/tokens')).text.includes(String(other.info['token_id'])));
    assert.equal((await rest(other.token, 'GET', '/services')).status, 200);
  });

  it('refuses a bad grant or revoke with invalid_request or forbidden, granting nothing', async () => {
    const before = ((await rest(a.token, 'GET', '/tokens')).body['tokens'] as Body[]).length;
    const cases: Array<[string, string, unknown, string, number]> = [
      ['POST', '/tokens', { permissions: ['fly'] }, 'invalid_request', 400],
      ['POST', '/tokens', { permissions: [] }, 'invalid_request', 400],
      ['POST', '/tokens', { permissions: ['list'], colour: 'red' }, 'invalid_request', 400],
      ['POST', '/tokens', { permissions: ['list'], ttl_s: -1 }, 'invalid_request', 400],
      ['POST', '/tokens', { permissions: ['list'], services: ['a/b'] }, 'invalid_request', 400],
      ['POST', '/tokens', '{"permissions": ', 'invalid_request', 400],
      ['POST', '/tokens', { permissions: ['admin'] }, 'forbidden', 403],
      ['DELETE', '/tokens/x', undefined, 'invalid_request', 400],
      ['GET', '/tokens?colour=red', undefined, 'invalid_request', 400],
    ];
    for (const [method, path, body, code, status] of cases) {
      const r = await rest(a.token, method, path, body);
      assert.deepEqual(errorOf(r), [status, code], `${method} ${path} ${JSON.stringify(body)}`);
    }
    assert.equal(((await rest(a.token, 'GET', '/tokens')).body['tokens'] as Body[]).length, before);
  });

  it('answers a rate-limited token with 429 and Retry-After in whole seconds', async () => {
    const slow = await grant(a.token, { permissions: ['list'], rate_limit: { requests_per_second: 0.01, burst: 1 } });
    assert.equal((await rest(slow.token, 'GET', '/services')).status, 200);
    const r = await rest(slow.token, 'GET', '/services');
    assert.deepEqual(errorOf(r), [429, 'rate_limited']);
    const waitMs = (r.body['details'] as { retry_after_ms: number }).retry_after_ms;
    assert.equal(r.headers.get('retry-after'), String(Math.max(1, Math.ceil(waitMs / 1000))));
    assert.equal((await rest(a.token, 'GET', '/services')).headers.get('retry-after'), null);
  });
});

describe('REST: secrets', () => {
  it('stores, lists, checks and deletes a secret, and never answers with its value', async () => {
    const t = await createTenant(f, 'rs');
    const value = `sk_live_${uniqueName('v')}`;
    const texts: string[] = [];
    const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const r = await rest(t.token, method, path, body);
      texts.push(r.text);
      return r;
    };
    const set = await call('POST', '/secrets', { name: 'STRIPE_KEY', value });
    assert.equal(set.status, 201, set.text);
    const info = set.body['secret'] as Body;
    assert.deepEqual([info['name'], info['size'], info['version']], ['STRIPE_KEY', value.length, 1]);
    assert.deepEqual(Object.keys(info).sort(), ['created_at', 'name', 'size', 'updated_at', 'version']);
    assert.equal(((await call('POST', '/secrets', { name: 'STRIPE_KEY', value: `${value}2` })).body['secret'] as Body)['version'], 2);
    const list = await call('GET', '/secrets');
    assert.deepEqual([list.status, list.body['total'], list.body['next_offset']], [200, 1, null]);
    assert.equal((list.body['secrets'] as Body[])[0]?.['name'], 'STRIPE_KEY');
    const one = await call('GET', '/secrets/STRIPE_KEY');
    assert.deepEqual({ ...one.body, updated_at: typeof one.body['updated_at'] }, { name: 'STRIPE_KEY', exists: true, size: value.length + 1, version: 2, updated_at: 'string' });
    assert.deepEqual((await call('GET', '/secrets/MISSING')).body, { name: 'MISSING', exists: false, size: null, version: null, updated_at: null });
    assert.deepEqual((await call('DELETE', '/secrets/STRIPE_KEY')).body, { name: 'STRIPE_KEY', deleted: true });
    assert.equal((await call('GET', '/secrets/STRIPE_KEY')).body['exists'], false);
    assert.deepEqual((await call('DELETE', '/secrets/STRIPE_KEY')).body, { name: 'STRIPE_KEY', deleted: false });
    for (const text of texts) assert.ok(!text.includes(value), text);
  });

  it('pages the list like /services', async () => {
    const t = await createTenant(f, 'rp');
    for (const name of ['A1', 'A2', 'A3']) assert.equal((await rest(t.token, 'POST', '/secrets', { name, value: 'x' })).status, 201);
    const first = await rest(t.token, 'GET', '/secrets?limit=2');
    assert.deepEqual([(first.body['secrets'] as Body[]).length, first.body['total'], first.body['next_offset']], [2, 3, 2]);
    const second = await rest(t.token, 'GET', '/secrets?limit=2&offset=2');
    assert.deepEqual([(second.body['secrets'] as Body[]).length, second.body['next_offset']], [1, null]);
    for (const q of ['limit=1001', 'limit=0', 'offset=-1', 'limit=abc', 'colour=red']) {
      assert.deepEqual(errorOf(await rest(t.token, 'GET', `/secrets?${q}`)), [400, 'invalid_request'], q);
    }
  });

  it('refuses bad names, oversize and non-string values and unknown fields, storing nothing', async () => {
    const t = await createTenant(f, 'rv');
    const cases: Array<[string, string, unknown, string, number]> = [
      ['POST', '/secrets', { name: 'a/b', value: 'x' }, 'invalid_request', 400],
      ['POST', '/secrets', { name: 'a.b', value: 'x' }, 'invalid_request', 400],
      ['POST', '/secrets', { name: '../etc', value: 'x' }, 'invalid_request', 400],
      ['POST', '/secrets', { name: '1ABC', value: 'x' }, 'invalid_request', 400],
      ['POST', '/secrets', { name: 'OK', value: 'x'.repeat(64 * 1024 + 1) }, 'limit_exceeded', 413],
      ['POST', '/secrets', { name: 'OK', value: 42 }, 'invalid_request', 400],
      ['POST', '/secrets', { name: 'OK' }, 'invalid_request', 400],
      ['POST', '/secrets', { name: 'OK', value: 'x', colour: 'red' }, 'invalid_request', 400],
      ['GET', '/secrets/a.b', undefined, 'invalid_request', 400],
      ['GET', '/secrets/a%2Fb', undefined, 'invalid_request', 400],
      ['DELETE', '/secrets/a.b', undefined, 'invalid_request', 400],
    ];
    for (const [method, path, body, code, status] of cases) {
      const r = await rest(t.token, method, path, body);
      assert.deepEqual(errorOf(r), [status, code], `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}`);
      assert.ok(!r.text.includes('xxxxxxxx'), 'no value echoed');
    }
    assert.equal((await rest(t.token, 'GET', '/secrets')).body['total'], 0);
  });

  it("keeps each tenant's secrets its own and needs the secrets permissions", async () => {
    const t = await createTenant(f, 'ri');
    assert.equal((await rest(t.token, 'POST', '/secrets', { name: 'OWN', value: 'v' })).status, 201);
    assert.equal((await rest(b.token, 'GET', '/secrets/OWN')).body['exists'], false);
    assert.deepEqual(errorOf(await rest(b.token, 'GET', '/secrets/OWN', undefined, { 'x-solo-tenant': t.tenant })), [403, 'forbidden']);
    assert.equal((await rest(b.token, 'DELETE', '/secrets/OWN')).body['deleted'], false);
    assert.equal((await rest(t.token, 'GET', '/secrets/OWN')).body['exists'], true);
    const reader = await grant(t.token, { permissions: ['secrets:read'] });
    assert.equal((await rest(reader.token, 'GET', '/secrets')).status, 200);
    assert.deepEqual(errorOf(await rest(reader.token, 'POST', '/secrets', { name: 'X', value: 'v' })), [403, 'forbidden']);
    assert.deepEqual(errorOf(await rest(reader.token, 'DELETE', '/secrets/OWN')), [403, 'forbidden']);
    const writer = await grant(t.token, { permissions: ['secrets:write'] });
    assert.deepEqual(errorOf(await rest(writer.token, 'GET', '/secrets')), [403, 'forbidden']);
  });
});

describe('REST: tokens on SSE streams', () => {
  /** Status and content type of a stream request; the body is dropped at once. */
  async function open(path: string, h: Record<string, string> = {}): Promise<{ status: number; type: string; body: Body | null }> {
    const ac = new AbortController();
    const res = await fetch(`${base}${path}`, { headers: h, signal: ac.signal });
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json') ? ((await res.json()) as Body) : null;
    ac.abort();
    return { status: res.status, type, body };
  }

  it('opens with ?access_token= or a bearer header, and refuses a missing, forged or foreign token before streaming', async () => {
    const q = await open(`/events?access_token=${encodeURIComponent(a.token)}`);
    assert.deepEqual([q.status, q.type.startsWith('text/event-stream')], [200, true]);
    const h = await open('/logs', { authorization: `Bearer ${a.token}` });
    assert.deepEqual([h.status, h.type.startsWith('text/event-stream')], [200, true]);
    for (const [name, path] of [
      ['none', '/events'],
      ['forged', `/events?access_token=${encodeURIComponent(forged(a.token))}`],
      ['tenant only', `/logs?tenant=${a.tenant}`],
    ] as const) {
      const r = await open(path);
      assert.deepEqual([r.status, r.body?.['error']], [401, 'unauthorized'], name);
    }
    const foreign = await open(`/events?access_token=${encodeURIComponent(a.token)}&tenant=${b.tenant}`);
    assert.deepEqual([foreign.status, foreign.body?.['error']], [403, 'forbidden']);
    await waitFor(() => f.node.http.sseStreams === 0, { timeoutMs: 10_000 });
  });
});

describe('REST: audit', () => {
  it('records each request with its door, verb, tenant, token id and outcome', async () => {
    const g = await grant(a.token, { permissions: ['list'] });
    const okId = uniqueName('corr');
    const deniedId = uniqueName('corr');
    assert.equal((await rest(g.token, 'GET', '/services', undefined, { [HEADERS.correlationId]: okId })).status, 200);
    assert.equal((await rest(g.token, 'POST', '/services', { service_id: 'x', source: 'x' }, { [HEADERS.correlationId]: deniedId })).status, 403);
    const find = async (id: string): Promise<Body | undefined> => {
      const h = headers();
      h.set(HEADERS.token, f.adminToken);
      const m = await f.nc.request(adminApiSubject('audit_export'), new TextEncoder().encode(JSON.stringify({ limit: 10_000 })), { timeout: 15_000, headers: h });
      const r = JSON.parse(new TextDecoder().decode(m.data)) as { records?: Body[] };
      return r.records?.find((x) => x['correlation_id'] === id);
    };
    await waitFor(async () => (await find(okId)) !== undefined, { timeoutMs: 15_000 });
    const ok = await find(okId);
    assert.deepEqual([ok?.['door'], ok?.['verb'], ok?.['tenant'], ok?.['token_id'], ok?.['outcome']], ['rest', 'list', a.tenant, g.info['token_id'], 'ok']);
    await waitFor(async () => (await find(deniedId)) !== undefined, { timeoutMs: 15_000 });
    const denied = await find(deniedId);
    assert.deepEqual([denied?.['door'], denied?.['verb'], denied?.['outcome']], ['rest', 'deploy', 'forbidden']);
  });
});
