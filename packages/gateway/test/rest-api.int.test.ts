// The REST door: services (hot swap included), registry, the operator's token naming a tenant, pagination, the
// one error body, /openapi.json, and SSE streams (resume from Last-Event-ID, heartbeats, and no consumer left
// behind by clients that leave). Tenant tokens, isolation and the security resources: rest-security.int.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName, waitFor } from '@solo/testkit';
import { startHttpDoor, type HttpDoor } from '@solo/gateway';
import { eventsStream } from '@solo/protocol';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';

let f: NodeFixture;
let base: string;
before(async () => {
  f = await startNodeFixture();
  base = f.node.info.http_url;
});
after(async () => {
  await f.close();
});

type Body = Record<string, unknown>;
/** A REST request with the admin token (or `token`; null for none), acting for `tenant` (X-Solo-Tenant). */
async function rest(tenant: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token: string | null = f.adminToken): Promise<{ status: number; body: Body; headers: Headers }> {
  const h: Record<string, string> = { ...headers };
  if (tenant !== null) h['x-solo-tenant'] = tenant;
  if (token !== null) h['authorization'] = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers: h, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Body, headers: res.headers };
}

/** The query string that names the tenant and carries the admin token (SSE: EventSource sends no headers). */
function streamAuth(tenant: string): string {
  return `tenant=${tenant}&access_token=${encodeURIComponent(f.adminToken)}`;
}

/** Reads an SSE response until `until` is true of the text so far; then drops the connection. */
async function readSse(path: string, until: (text: string) => boolean, headers: Record<string, string> = {}, url = base): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(`${url}${path}`, { headers, signal: ac.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let text = '';
  try {
    while (!until(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
    }
  } finally {
    ac.abort();
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

async function consumerCount(): Promise<number> {
  const jsm = await f.nc.jetstreamManager();
  return (await jsm.streams.info(eventsStream())).state.consumer_count;
}

describe('REST: services', () => {
  it('deploys, lists, reads, calls, casts and kills a service', async () => {
    const t = uniqueName();
    const d = await rest(t, 'POST', '/services', { service_id: 'counter', source: example('counter') });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    assert.equal(d.body['version'], 1);
    const l = await rest(t, 'GET', '/services?limit=10&offset=0');
    assert.equal(l.status, 200);
    assert.equal(l.body['total'], 1);
    const s = await rest(t, 'GET', '/services/counter');
    assert.equal(s.body['status'], 'running');
    const c = await rest(t, 'POST', '/services/counter/call', { message: { op: 'inc', by: 2 } });
    assert.deepEqual([c.status, c.body], [200, { reply: { count: 2 } }]);
    const cast = await rest(t, 'POST', '/services/counter/cast', { message: { op: 'inc' } });
    assert.equal(cast.status, 202);
    assert.equal(typeof cast.body['seq'], 'number');
    const k = await rest(t, 'DELETE', '/services/counter?force=true');
    assert.equal(k.status, 200);
    assert.equal(k.body['mode'], 'forced');
    assert.equal((await rest(t, 'GET', '/services/counter')).status, 404);
  });

  it('answers every failure with the one error body and the status of its code', async () => {
    const t = uniqueName();
    const r = await rest(t, 'GET', '/services/nope');
    assert.equal(r.status, 404);
    assert.deepEqual(Object.keys(r.body).filter((k) => k !== 'details').sort(), ['correlation_id', 'error', 'message', 'timestamp']);
    assert.equal(typeof r.body['correlation_id'], 'string');
    assert.ok(!Number.isNaN(Date.parse(String(r.body['timestamp']))));
    assert.equal(r.body['error'], 'not_found');
    const cases: Array<[string, string, unknown, string, number]> = [
      ['GET', '/services?limit=1001', undefined, 'invalid_request', 400],
      ['GET', '/services?limit=abc', undefined, 'invalid_request', 400],
      ['GET', '/services?offset=-1', undefined, 'invalid_request', 400],
      ['GET', '/services/Bad!', undefined, 'invalid_request', 400],
      ['POST', '/services/nope/call', { message: 1 }, 'not_found', 404],
      ['POST', '/services/nope/call', [1], 'invalid_request', 400],
      ['POST', '/services/nope/cast', { message: 1, extra: true }, 'invalid_request', 400],
      ['DELETE', '/services/nope', undefined, 'not_found', 404],
      ['POST', '/registry', { service_id: 'nope', name: 'x' }, 'not_found', 404],
      ['GET', '/registry?filter=novalue', undefined, 'invalid_request', 400],
      ['GET', '/registry?limit=5000', undefined, 'invalid_request', 400],
      ['DELETE', '/registry/nope', undefined, 'not_found', 404],
    ];
    for (const [method, path, body, code, status] of cases) {
      const res = await rest(t, method, path, body);
      assert.equal(res.body['error'], code, `${method} ${path}`);
      assert.equal(res.status, status, `${method} ${path}`);
    }
  });

  it('hot swaps with PUT /services/{id}/code: the state is kept and GET shows the new version', async () => {
    const t = uniqueName();
    await rest(t, 'POST', '/services', { service_id: 'counter', source: example('counter') });
    await rest(t, 'POST', '/services/counter/call', { message: { op: 'inc', by: 5 } });
    const v2 = example('counter').replace("version: '1.0.0'", "version: '2.0.0'");
    const s = await rest(t, 'PUT', '/services/counter/code', { source: v2, rollback_window_ms: 0 });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.deepEqual([s.body['service_id'], s.body['version'], s.body['from_version'], s.body['code_version']], ['counter', 2, 1, '2.0.0']);
    const after = await rest(t, 'GET', '/services/counter');
    assert.deepEqual([after.body['version'], after.body['code_version']], [2, '2.0.0']);
    const c = await rest(t, 'POST', '/services/counter/call', { message: { op: 'get' } });
    assert.deepEqual(c.body, { reply: { count: 5 } });
  });

  it('refuses a bad hot swap with the same codes as the NATS door, and changes nothing', async () => {
    const t = uniqueName();
    await rest(t, 'POST', '/services', { service_id: 'counter', source: example('counter') });
    const cases: Array<[string, unknown, string, number]> = [
      ['/services/counter/code', { source: '' }, 'invalid_request', 400],
      ['/services/counter/code', { source: example('counter'), colour: 'red' }, 'invalid_request', 400],
      ['/services/counter/code', { source: example('counter'), rollback_window_ms: -1 }, 'invalid_request', 400],
      ['/services/counter/code', { source: 'export default {' }, 'compile_error', 422],
      ['/services/counter/code', '[1]', 'invalid_request', 400],
      ['/services/ghost/code', { source: example('counter') }, 'not_found', 404],
      ['/services/Bad!/code', { source: example('counter') }, 'invalid_request', 400],
    ];
    for (const [path, body, code, status] of cases) {
      const r = await rest(t, 'PUT', path, body);
      assert.deepEqual([r.body['error'], r.status], [code, status], `${path} ${JSON.stringify(body).slice(0, 60)}`);
    }
    assert.equal((await rest(t, 'GET', '/services/counter')).body['version'], 1);
  });

  it("acts for the tenant the operator's token names, and needs a token", async () => {
    const none = await rest(uniqueName(), 'GET', '/services', undefined, {}, null);
    assert.deepEqual([none.status, none.body['error']], [401, 'unauthorized']);
    const wrongHeader = await rest(null, 'GET', '/services', undefined, { 'x-tenant-id': uniqueName() }, null);
    assert.deepEqual([wrongHeader.status, wrongHeader.body['error']], [401, 'unauthorized']);
    const bad = await rest('Not Valid', 'GET', '/services');
    assert.equal(bad.body['error'], 'invalid_request');
    const unnamed = await rest(null, 'GET', '/services');
    assert.equal(unnamed.body['error'], 'invalid_request');
    const viaQuery = await rest(null, 'GET', `/services?tenant=${uniqueName()}`);
    assert.deepEqual([viaQuery.status, viaQuery.body['total']], [200, 0]);
    // The token comes as a query parameter only on streams.
    const queryToken = await rest(null, 'GET', `/services?${streamAuth(uniqueName())}`, undefined, {}, null);
    assert.equal(queryToken.body['error'], 'unauthorized');
  });
});

describe('REST: registry', () => {
  it('registers and discovers by name and filter', async () => {
    const t = uniqueName();
    await rest(t, 'POST', '/services', { service_id: 'api', source: example('counter') });
    const r = await rest(t, 'POST', '/registry', { service_id: 'api', name: 'users', tags: { role: 'api', env: 'prod' }, ttl_ms: 60_000 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const d = await rest(t, 'GET', '/registry?name=users&filter=role=api,env=prod');
    assert.equal(d.status, 200);
    const found = (d.body['services'] as Array<{ tenant: string; service_id: string; alive: boolean }>).filter((x) => x.tenant === t);
    assert.deepEqual(found.map((x) => [x.service_id, x.alive]), [['api', true]]);
    const miss = await rest(t, 'GET', '/registry?name=users&filter=env=dev');
    assert.equal((miss.body['services'] as Array<{ tenant: string }>).filter((x) => x.tenant === t).length, 0);
    assert.deepEqual((await rest(t, 'DELETE', '/registry/api')).body, { removed: 1 });
  });
});

describe('REST: /openapi.json', () => {
  it('describes every route with the request schemas', async () => {
    const res = await fetch(`${base}/openapi.json`);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/services', '/services/{id}', '/services/{id}/code', '/services/{id}/call', '/services/{id}/cast', '/events', '/logs', '/registry', '/tokens', '/tokens/{token_id}', '/secrets', '/secrets/{name}', '/health', '/metrics']) assert.ok(doc.paths[p], p);
    const deploy = doc.paths['/services']?.['post']?.requestBody?.content['application/json']?.schema;
    assert.ok(deploy?.properties['source']);
    const swap = doc.paths['/services/{id}/code']?.['put']?.requestBody?.content['application/json']?.schema;
    assert.ok(swap?.properties['source'] && swap.properties['rollback_window_ms'] && !swap.properties['service_id']);
    const grant = doc.paths['/tokens']?.['post']?.requestBody?.content['application/json']?.schema;
    assert.ok(grant?.properties['permissions']);
    const secret = doc.paths['/secrets']?.['post']?.requestBody?.content['application/json']?.schema;
    assert.deepEqual(Object.keys(secret?.properties ?? {}).sort(), ['name', 'value']);
    // No reply schema of the secrets routes has a value field.
    const text = JSON.stringify([doc.paths['/secrets']?.['get'], doc.paths['/secrets/{name}']]);
    assert.ok(!text.includes('"value"'), text);
  });
});

describe('REST: SSE streams', () => {
  it('streams events and resumes after Last-Event-ID', async () => {
    const t = uniqueName();
    await rest(t, 'POST', '/services', { service_id: 'a', source: example('counter') });
    await rest(t, 'POST', '/services', { service_id: 'b', source: example('counter') });
    const first = await readSse(`/events?${streamAuth(t)}&since_seq=1`, (x) => (x.match(/^id: /gm) ?? []).length >= 2);
    const ids = [...first.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    assert.match(first, /event: service_deployed/);
    const resumed = await readSse(`/events?${streamAuth(t)}`, (x) => /^id: /m.test(x), { 'last-event-id': String(ids[0]) });
    const next = Number(/^id: (\d+)$/m.exec(resumed)?.[1]);
    assert.equal(next, ids[1]);
  });

  it('sends heartbeat comments and rejects a bad Last-Event-ID', async () => {
    const door: HttpDoor = await startHttpDoor({ kernel: f.node.kernel, metrics: f.node.metrics, log: { info: () => {}, warn: () => {}, error: () => {} }, sseHeartbeatMs: 20 });
    try {
      const text = await readSse(`/logs?${streamAuth(uniqueName())}`, (x) => x.includes(': heartbeat'), {}, door.url);
      assert.match(text, /: heartbeat\n\n/);
      const bad = await fetch(`${door.url}/events?${streamAuth(uniqueName())}`, { headers: { 'last-event-id': 'x' } });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as Body)['error'], 'invalid_request');
      const unknownType = await fetch(`${door.url}/events?${streamAuth(uniqueName())}&type=nope`);
      assert.equal(((await unknownType.json()) as Body)['error'], 'invalid_request');
    } finally {
      await door.stop();
    }
  });

  it('leaves no consumer behind after 1000 clients open a stream and leave', async () => {
    const baseline = await consumerCount();
    const t = uniqueName();
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => readSse(`/events?${streamAuth(t)}`, (x) => x.includes(': connected'))));
    }
    await waitFor(() => f.node.http.sseStreams === 0, { timeoutMs: 30_000 });
    await waitFor(async () => (await consumerCount()) === baseline, { timeoutMs: 30_000 });
  });
});
