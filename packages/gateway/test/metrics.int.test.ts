// The node's /metrics and /health over real HTTP, on a node started with startNode in a temp dir: metric
// values move after deploy, call, crash and kill; labels stay bounded (issue #8).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName, waitFor } from '@solo/testkit';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { sampleValue, scrapeMetrics } from './metrics-scrape.ts';

let f: NodeFixture;
let http: string;
before(async () => {
  f = await startNodeFixture();
  http = f.node.info.http_url;
});
after(async () => {
  await f.close();
});

const scrape = (): Promise<string> => scrapeMetrics(http);
const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => sampleValue(await scrape(), name, labels) ?? 0;

describe('GET /metrics', () => {
  it('reports a deployed service, its calls and its events', async () => {
    const t = uniqueName();
    const deployedBefore = await value('solo_events_total', { type: 'service_deployed' });
    const deploysBefore = await value('solo_api_requests_total', { door: 'nats', verb: 'deploy', code: 'ok' });
    assert.equal((await f.api(t, 'deploy', { service_id: 'counter', source: example('counter') }))['ok'], true);
    assert.equal((await f.api(t, 'call', { service_id: 'counter', message: { op: 'inc' } }))['ok'], true);
    const text = await scrape();
    assert.equal(sampleValue(text, 'solo_services_running', { tenant: t }), 1);
    assert.equal(sampleValue(text, 'solo_mailbox_depth', { tenant: t, service: 'counter' }), 0);
    assert.ok((sampleValue(text, 'solo_memory_bytes', { tenant: t }) ?? 0) > 0, 'isolate heap is reported');
    assert.equal(sampleValue(text, 'solo_events_total', { type: 'service_deployed' }), deployedBefore + 1);
    assert.equal(sampleValue(text, 'solo_api_requests_total', { door: 'nats', verb: 'deploy', code: 'ok' }), deploysBefore + 1);
    assert.equal(sampleValue(text, 'solo_service_call_duration_seconds_count', { tenant: t, service: 'counter' }), 1);
    assert.equal(sampleValue(text, 'solo_nats_connected'), 1);
    assert.ok((sampleValue(text, 'solo_recovery_seconds') ?? 0) > 0, 'the start-up recovery was timed');
    assert.ok(sampleValue(text, 'process_resident_memory_bytes'), 'default process metrics are exported');
  });

  it('counts a crash, the restart and the error code of the failed call', async () => {
    const t = uniqueName();
    const crashedBefore = await value('solo_events_total', { type: 'service_crashed' });
    const failedCallsBefore = await value('solo_api_requests_total', { door: 'nats', verb: 'call', code: 'service_crashed' });
    assert.equal((await f.api(t, 'deploy', { service_id: 'crashy', source: example('crashy') }))['ok'], true);
    const r = await f.api(t, 'call', { service_id: 'crashy', message: { op: 'crash' } });
    assert.equal((r['error'] as { code: string }).code, 'service_crashed');
    await waitFor(async () => (await value('solo_service_restarts_total', { tenant: t, service: 'crashy' })) === 1, { timeoutMs: 15_000 });
    const text = await scrape();
    assert.equal(sampleValue(text, 'solo_events_total', { type: 'service_crashed' }), crashedBefore + 1);
    assert.ok((sampleValue(text, 'solo_events_total', { type: 'service_restarted' }) ?? 0) >= 1);
    assert.equal(sampleValue(text, 'solo_api_requests_total', { door: 'nats', verb: 'call', code: 'service_crashed' }), failedCallsBefore + 1);
    assert.equal(sampleValue(text, 'solo_services_running', { tenant: t }), 1);
  });

  it("drops a killed service's series and counts the kill", async () => {
    const t = uniqueName();
    for (const id of ['k1', 'k2']) assert.equal((await f.api(t, 'deploy', { service_id: id, source: example('crashy') }))['ok'], true);
    await f.api(t, 'call', { service_id: 'k1', message: { op: 'crash' } });
    await waitFor(async () => (await value('solo_service_restarts_total', { tenant: t, service: 'k1' })) === 1, { timeoutMs: 15_000 });
    const killedBefore = await value('solo_events_total', { type: 'service_killed' });
    assert.equal((await f.api(t, 'kill', { service_id: 'k1' }))['ok'], true);
    let text = await scrape();
    assert.equal(sampleValue(text, 'solo_services_running', { tenant: t }), 1);
    assert.equal(sampleValue(text, 'solo_mailbox_depth', { tenant: t, service: 'k1' }), undefined);
    assert.equal(sampleValue(text, 'solo_service_restarts_total', { tenant: t, service: 'k1' }), undefined);
    assert.equal(sampleValue(text, 'solo_events_total', { type: 'service_killed' }), killedBefore + 1);
    assert.equal((await f.api(t, 'kill', { service_id: 'k2' }))['ok'], true);
    text = await scrape();
    assert.equal(sampleValue(text, 'solo_services_running', { tenant: t }), undefined, 'a tenant with no services has no series');
  });

  it('labels an unknown verb and a bad request without echoing what the client sent', async () => {
    const t = uniqueName();
    const before = await value('solo_api_requests_total', { door: 'nats', verb: 'unknown', code: 'invalid_request' });
    const r = await f.api(t, 'frobnicate_xyz', {});
    assert.equal((r['error'] as { code: string }).code, 'invalid_request');
    const text = await scrape();
    assert.equal(sampleValue(text, 'solo_api_requests_total', { door: 'nats', verb: 'unknown', code: 'invalid_request' }), before + 1);
    assert.doesNotMatch(text, /frobnicate_xyz/);
  });
});

describe('GET /health and unknown routes', () => {
  it('answers 200 with the health reply when the node is ready, and counts it on the rest door', async () => {
    const before = await value('solo_api_requests_total', { door: 'rest', verb: 'health', code: 'ok' });
    const res = await fetch(`${http}/health`, { headers: { 'Solo-Correlation-Id': 'health-probe-1' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('solo-correlation-id'), 'health-probe-1');
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['ok'], true);
    assert.equal(body['status'], 'ready');
    assert.equal(body['node_id'], f.node.info.node_id);
    assert.equal(await value('solo_api_requests_total', { door: 'rest', verb: 'health', code: 'ok' }), before + 1);
  });

  it('serves the Prometheus text format', async () => {
    const res = await fetch(`${http}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  });

  it('answers not_found in the HTTP error body for a route it does not have', async () => {
    const res = await fetch(`${http}/v1/nothing?x=1`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: string; message: string; correlation_id: string; timestamp: string };
    assert.equal(body.error, 'not_found');
    assert.equal(typeof body.correlation_id, 'string');
    assert.equal(typeof body.timestamp, 'string');
    assert.match(body.message, /GET \/v1\/nothing .*GET \/health, GET \/metrics/);
  });
});

describe('GET /health while the node drains', () => {
  it('answers 503 unavailable once the kernel is stopping', async () => {
    const g = await startNodeFixture();
    try {
      await g.node.kernel.stop();
      const res = await fetch(`${g.node.info.http_url}/health`);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: string; details: { status: string } };
      assert.equal(body.error, 'unavailable');
      assert.equal(body.details.status, 'stopping');
      const text = await scrapeMetrics(g.node.info.http_url);
      assert.equal(sampleValue(text, 'solo_api_requests_total', { door: 'rest', verb: 'health', code: 'unavailable' }), 1);
    } finally {
      await g.close();
    }
  });
});
