// The REST door: services, registry, auth, pagination, the one error body, /openapi.json, and SSE streams
// (resume from Last-Event-ID, heartbeats, and no consumer left behind by clients that leave).
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
async function rest(tenant: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Body }> {
  const h: Record<string, string> = { ...headers };
  if (tenant !== null) h['x-solo-tenant'] = tenant;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers: h, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Body };
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
    assert.deepEqual(c, { status: 200, body: { reply: { count: 2 } } });
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

  it('needs a tenant: no header is unauthorized, and X-Tenant-ID alone grants nothing', async () => {
    const none = await rest(null, 'GET', '/services');
    assert.equal(none.status, 401);
    assert.equal(none.body['error'], 'unauthorized');
    const wrongHeader = await rest(null, 'GET', '/services', undefined, { 'x-tenant-id': uniqueName() });
    assert.equal(wrongHeader.body['error'], 'unauthorized');
    const bad = await rest('Not Valid', 'GET', '/services');
    assert.equal(bad.body['error'], 'invalid_request');
    const viaQuery = await rest(null, 'GET', `/services?tenant=${uniqueName()}`, undefined, { authorization: 'Bearer opaque' });
    assert.equal(viaQuery.status, 200);
    assert.equal(viaQuery.body['total'], 0);
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
    for (const p of ['/services', '/services/{id}', '/services/{id}/call', '/services/{id}/cast', '/events', '/logs', '/registry', '/health', '/metrics']) assert.ok(doc.paths[p], p);
    const deploy = doc.paths['/services']?.['post']?.requestBody?.content['application/json']?.schema;
    assert.ok(deploy?.properties['source']);
  });
});

describe('REST: SSE streams', () => {
  it('streams events and resumes after Last-Event-ID', async () => {
    const t = uniqueName();
    await rest(t, 'POST', '/services', { service_id: 'a', source: example('counter') });
    await rest(t, 'POST', '/services', { service_id: 'b', source: example('counter') });
    const first = await readSse(`/events?tenant=${t}&since_seq=1`, (x) => (x.match(/^id: /gm) ?? []).length >= 2);
    const ids = [...first.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    assert.match(first, /event: service_deployed/);
    const resumed = await readSse(`/events?tenant=${t}`, (x) => /^id: /m.test(x), { 'last-event-id': String(ids[0]) });
    const next = Number(/^id: (\d+)$/m.exec(resumed)?.[1]);
    assert.equal(next, ids[1]);
  });

  it('sends heartbeat comments and rejects a bad Last-Event-ID', async () => {
    const door: HttpDoor = await startHttpDoor({ kernel: f.node.kernel, metrics: f.node.metrics, log: { info: () => {}, warn: () => {}, error: () => {} }, sseHeartbeatMs: 20 });
    try {
      const text = await readSse(`/logs?tenant=${uniqueName()}`, (x) => x.includes(': heartbeat'), {}, door.url);
      assert.match(text, /: heartbeat\n\n/);
      const bad = await fetch(`${door.url}/events?tenant=${uniqueName()}`, { headers: { 'last-event-id': 'x' } });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as Body)['error'], 'invalid_request');
      const unknownType = await fetch(`${door.url}/events?tenant=${uniqueName()}&type=nope`);
      assert.equal(((await unknownType.json()) as Body)['error'], 'invalid_request');
    } finally {
      await door.stop();
    }
  });

  it('leaves no consumer behind after 1000 clients open a stream and leave', async () => {
    const baseline = await consumerCount();
    const t = uniqueName();
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => readSse(`/events?tenant=${t}`, (x) => x.includes(': connected'))));
    }
    await waitFor(() => f.node.http.sseStreams === 0, { timeoutMs: 30_000 });
    await waitFor(async () => (await consumerCount()) === baseline, { timeoutMs: 30_000 });
  });
});
