import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName, waitFor } from '@solo/testkit';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

type Reply = Record<string, unknown>;
const errCode = (r: Reply): unknown => (r['error'] as { code?: string } | undefined)?.code;
const errMsg = (r: Reply): string => String((r['error'] as { message?: string } | undefined)?.message);

describe('NATS door: happy path', () => {
  it('deploys counter, answers calls and casts, reports status and lists it', async () => {
    const t = uniqueName();
    const d = await f.api(t, 'deploy', { service_id: 'counter', source: example('counter') });
    assert.equal(d['ok'], true, JSON.stringify(d));
    assert.equal(d['version'], 1);
    assert.match(String(d['artifact_hash']), /^[0-9a-f]{64}$/);
    assert.equal(typeof d['duration_ms'], 'number');

    const c = await f.api(t, 'call', { service_id: 'counter', message: { op: 'inc', by: 2 } });
    assert.deepEqual(c, { ok: true, reply: { count: 2 } });
    const cast = await f.api(t, 'cast', { service_id: 'counter', message: { op: 'inc' } });
    assert.equal(cast['ok'], true);
    assert.equal(typeof cast['seq'], 'number');
    await waitFor(async () => {
      const r = await f.api(t, 'call', { service_id: 'counter', message: { op: 'get' } });
      return (r['reply'] as { count: number }).count === 3;
    });

    const s = await f.api(t, 'status', { service_id: 'counter' });
    assert.equal(s['status'], 'running');
    assert.equal(s['alive'], true);
    assert.equal(s['code_version'], '1.0.0');
    assert.ok(Number(s['heap_bytes']) > 0);
    assert.ok(Number(s['messages_handled']) >= 3);

    const l = await f.api(t, 'list', {});
    assert.equal(l['total'], 1);
    assert.equal((l['services'] as Reply[])[0]?.['service_id'], 'counter');
  });

  it('pages the list and filters it by status', async () => {
    const t = uniqueName();
    for (const id of ['a1', 'a2', 'a3']) {
      assert.equal((await f.api(t, 'deploy', { service_id: id, source: example('counter') }))['ok'], true);
    }
    const p1 = await f.api(t, 'list', { limit: 2 });
    assert.deepEqual((p1['services'] as Reply[]).map((s) => s['service_id']), ['a1', 'a2']);
    assert.equal(p1['next_offset'], 2);
    const p2 = await f.api(t, 'list', { limit: 2, offset: 2 });
    assert.deepEqual((p2['services'] as Reply[]).map((s) => s['service_id']), ['a3']);
    assert.equal(p2['next_offset'], null);
    assert.equal((await f.api(t, 'list', { status: 'failed' }))['total'], 0);
    assert.equal((await f.api(t, 'list', { status: 'running' }))['total'], 3);
  });

  it('routes ctx.call between services of one tenant', async () => {
    const t = uniqueName();
    await f.api(t, 'deploy', { service_id: 'counter', source: example('counter') });
    await f.api(t, 'deploy', { service_id: 'pinger', source: example('pinger') });
    const r = await f.api(t, 'call', { service_id: 'pinger', message: { target: 'counter', message: { op: 'inc', by: 5 } } });
    assert.deepEqual(r['reply'], { from: 'counter', answer: { count: 5 }, sent: 1 });
  });

  it('keeps tenants apart: the same service id in two tenants holds two states', async () => {
    const [a, b] = [uniqueName(), uniqueName()];
    await f.api(a, 'deploy', { service_id: 'counter', source: example('counter') });
    await f.api(b, 'deploy', { service_id: 'counter', source: example('counter') });
    await f.api(a, 'call', { service_id: 'counter', message: { op: 'inc', by: 7 } });
    const rb = await f.api(b, 'call', { service_id: 'counter', message: { op: 'get' } });
    assert.deepEqual(rb['reply'], { count: 0 });
    const lb = await f.api(b, 'list', {});
    assert.equal(lb['total'], 1);
  });

  it('kills a service: status becomes not_found and service_killed is logged', async () => {
    const t = uniqueName();
    await f.api(t, 'deploy', { service_id: 'kv', source: example('kv') });
    const k = await f.api(t, 'kill', { service_id: 'kv' });
    assert.equal(k['ok'], true);
    assert.equal(k['mode'], 'normal');
    assert.equal(errCode(await f.api(t, 'status', { service_id: 'kv' })), 'not_found');
    const ev = await f.api(t, 'events', { service_id: 'kv' });
    const types = (ev['events'] as Reply[]).map((e) => e['type']);
    assert.deepEqual(types, ['service_deployed', 'service_started', 'service_killed']);
    // The id is free again after a kill.
    assert.equal((await f.api(t, 'deploy', { service_id: 'kv', source: example('kv') }))['ok'], true);
  });

  it('records ctx.log lines in the tenant logs', async () => {
    const t = uniqueName();
    await f.api(t, 'deploy', { service_id: 'counter', source: example('counter') });
    await f.api(t, 'call', { service_id: 'counter', message: { op: 'inc' } });
    const entries = await waitFor(async () => {
      const r = await f.api(t, 'logs', { service_id: 'counter' });
      const e = r['entries'] as Reply[];
      return e.length > 0 ? e : null;
    });
    assert.equal(entries[0]?.['message'], 'incremented');
    assert.deepEqual(entries[0]?.['data'], { count: 1 });
  });

  it('answers health', async () => {
    const h = await f.api(uniqueName(), 'health', {});
    assert.equal(h['ok'], true);
    assert.equal(h['status'], 'ready');
  });
});

describe('NATS door: bad input', () => {
  it('refuses malformed JSON with invalid_request', async () => {
    const r = await f.api(uniqueName(), 'deploy', null, new TextEncoder().encode('{"service_id": '));
    assert.equal(errCode(r), 'invalid_request');
    assert.match(errMsg(r), /not valid JSON/);
  });

  it('refuses missing and unknown fields', async () => {
    const t = uniqueName();
    assert.equal(errCode(await f.api(t, 'deploy', { service_id: 'x' })), 'invalid_request');
    const r = await f.api(t, 'deploy', { service_id: 'x', source: example('counter'), colour: 'blue' });
    assert.equal(errCode(r), 'invalid_request');
    assert.match(errMsg(r), /colour/);
    assert.equal(errCode(await f.api(t, 'status', {})), 'invalid_request');
    assert.equal(errCode(await f.api(t, 'list', { limit: 5000 })), 'invalid_request');
    assert.equal(errCode(await f.api(t, 'deploy', { service_id: 'x', source: example('counter'), limits: { memory_mb: 1 } })), 'invalid_request');
    assert.equal((await f.api(t, 'list', {}))['total'], 0, 'nothing half-deployed');
  });

  it('refuses invalid tenant and service ids', async () => {
    for (const bad of ['UPPER', 'x'.repeat(300), 'ünï', '-lead']) {
      assert.equal(errCode(await f.api(bad, 'list', {})), 'invalid_request', `tenant ${bad}`);
    }
    const t = uniqueName();
    for (const bad of ['a.b', '*', '>', '', 'x'.repeat(300), 'ünï', 'A']) {
      const r = await f.api(t, 'deploy', { service_id: bad, source: example('counter') });
      assert.equal(errCode(r), 'invalid_request', `service ${bad}`);
    }
  });

  it('refuses an unknown verb', async () => {
    assert.equal(errCode(await f.api(uniqueName(), 'frobnicate', {})), 'invalid_request');
  });

  it('reports compile errors with line and column, and leaves nothing deployed', async () => {
    const t = uniqueName();
    const r = await f.api(t, 'deploy', { service_id: 'broken', source: 'export default {\n  handleCall(msg, state) {\n    return {;\n  }\n};\n' });
    assert.equal(errCode(r), 'compile_error');
    const details = (r['error'] as { details?: { line?: number; column?: number } }).details;
    assert.equal(details?.line, 3);
    assert.equal(typeof details?.column, 'number');
    assert.match(errMsg(r), /:3:\d+/);
    assert.equal((await f.api(t, 'list', {}))['total'], 0);
    const ev = await f.api(t, 'events', {});
    assert.deepEqual((ev['events'] as Reply[]).map((e) => e['type']), ['service_deployment_failed']);
  });

  it('refuses modules without a default export or without handlers', async () => {
    const t = uniqueName();
    assert.equal(errCode(await f.api(t, 'deploy', { service_id: 'nodefault', source: 'export const x = 1;' })), 'rejected_code');
    assert.equal(errCode(await f.api(t, 'deploy', { service_id: 'nohandlers', source: 'export default { version: "1" };' })), 'rejected_code');
    assert.equal((await f.api(t, 'list', {}))['total'], 0);
  });

  it('refuses code over 1 MiB with limit_exceeded', async () => {
    const big = `export default { handleCall(m, s) { return { reply: 1, state: s }; } };\n//${'x'.repeat(1024 * 1024)}`;
    assert.equal(errCode(await f.api(uniqueName(), 'deploy', { service_id: 'big', source: big })), 'limit_exceeded');
  });

  it('refuses a second deploy of the same id with already_exists', async () => {
    const t = uniqueName();
    await f.api(t, 'deploy', { service_id: 'counter', source: example('counter') });
    await f.api(t, 'call', { service_id: 'counter', message: { op: 'inc' } });
    assert.equal(errCode(await f.api(t, 'deploy', { service_id: 'counter', source: example('kv') })), 'already_exists');
    // The running service is untouched.
    assert.deepEqual((await f.api(t, 'call', { service_id: 'counter', message: { op: 'get' } }))['reply'], { count: 1 });
  });

  it('answers not_found for call, cast, status and kill of an unknown service', async () => {
    const t = uniqueName();
    assert.equal(errCode(await f.api(t, 'call', { service_id: 'ghost', message: {} })), 'not_found');
    assert.equal(errCode(await f.api(t, 'cast', { service_id: 'ghost', message: {} })), 'not_found');
    assert.equal(errCode(await f.api(t, 'status', { service_id: 'ghost' })), 'not_found');
    assert.equal(errCode(await f.api(t, 'kill', { service_id: 'ghost' })), 'not_found');
  });

  it('crashes a handler that loops forever, restarts it, and keeps serving others', async () => {
    const t = uniqueName();
    await f.api(t, 'deploy', { service_id: 'crashy', source: example('crashy'), limits: { cpu_ms: 50 } });
    await f.api(t, 'deploy', { service_id: 'counter', source: example('counter') });
    const r = await f.api(t, 'call', { service_id: 'crashy', message: { op: 'loop' } });
    assert.equal(errCode(r), 'service_crashed');
    assert.deepEqual((await f.api(t, 'call', { service_id: 'counter', message: { op: 'inc' } }))['reply'], { count: 1 });
    await waitFor(async () => (await f.api(t, 'status', { service_id: 'crashy' }))['status'] === 'running');
    const s = await f.api(t, 'status', { service_id: 'crashy' });
    assert.equal(s['restarts'], 1);
    assert.equal((s['last_crash'] as { code: string }).code, 'cpu_limit');
    assert.deepEqual((await f.api(t, 'call', { service_id: 'crashy', message: {} }))['reply'], { calls: 1 });
    const ev = await f.api(t, 'events', { service_id: 'crashy' });
    const types = (ev['events'] as Reply[]).map((e) => e['type']);
    assert.ok(types.includes('service_crashed') && types.includes('service_restarted'), types.join(','));
  });

  it('contains a memory bomb: the isolate dies, the node stays bounded, others answer', async () => {
    const t = uniqueName();
    await f.api(t, 'deploy', { service_id: 'crashy', source: example('crashy'), limits: { memory_mb: 16, cpu_ms: 10_000 } });
    await f.api(t, 'deploy', { service_id: 'counter', source: example('counter') });
    const rss0 = process.memoryUsage().rss;
    const r = await f.api(t, 'call', { service_id: 'crashy', message: { op: 'bomb' } });
    assert.equal(errCode(r), 'service_crashed');
    assert.ok(process.memoryUsage().rss - rss0 < 256 * 1024 * 1024, 'node RSS stayed bounded');
    assert.deepEqual((await f.api(t, 'call', { service_id: 'counter', message: { op: 'inc' } }))['reply'], { count: 1 });
  });

  it('answers service_crashed when a handler throws', async () => {
    const t = uniqueName();
    await f.api(t, 'deploy', { service_id: 'crashy', source: example('crashy') });
    const r = await f.api(t, 'call', { service_id: 'crashy', message: { op: 'crash' } });
    assert.equal(errCode(r), 'service_crashed');
    assert.match(errMsg(r), /crash requested/);
  });

  it('answers service_crashed for a reply that is not JSON-serialisable', async () => {
    const t = uniqueName();
    const src = 'export default { handleCall(m, s) { return { reply: { f: () => 1, big: 10n }, state: s }; } };';
    await f.api(t, 'deploy', { service_id: 'badreply', source: src });
    assert.equal(errCode(await f.api(t, 'call', { service_id: 'badreply', message: {} })), 'service_crashed');
  });

  it('answers timeout when a call outlives its deadline', async () => {
    const t = uniqueName();
    const src = 'export default { async handleCall(m, s) { await new Promise(() => {}); return { reply: 1, state: s }; } };';
    await f.api(t, 'deploy', { service_id: 'slow', source: src });
    const r = await f.api(t, 'call', { service_id: 'slow', message: {}, timeout_ms: 200 });
    assert.equal(errCode(r), 'timeout');
  });
});
