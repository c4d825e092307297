// NodeMetrics on its own registry: counters, scrape-time service gauges, bounded labels and forgetting a
// killed service's series (issue #8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NodeMetrics, type ServiceSample } from '../src/metrics/node-metrics.ts';

/** The value of one sample line `name{labels} value` in a Prometheus text scrape, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('NodeMetrics', () => {
  it('reads the service gauges from the kernel at each scrape', async () => {
    const m = new NodeMetrics({ defaultMetrics: false });
    let services: ServiceSample[] = [
      { tenant: 'acme', service: 'a', status: 'running', heapBytes: 1000, mailboxLength: 2 },
      { tenant: 'acme', service: 'b', status: 'restarting', heapBytes: 0, mailboxLength: 0 },
      { tenant: 'beta', service: 'c', status: 'running', heapBytes: 500, mailboxLength: 0 },
    ];
    m.observeServices(() => services);
    let text = await m.scrape();
    assert.equal(sample(text, 'solo_services_running', { tenant: 'acme' }), 1);
    assert.equal(sample(text, 'solo_services_running', { tenant: 'beta' }), 1);
    assert.equal(sample(text, 'solo_memory_bytes', { tenant: 'acme' }), 1000);
    assert.equal(sample(text, 'solo_mailbox_depth', { tenant: 'acme', service: 'a' }), 2);
    services = [{ tenant: 'acme', service: 'a', status: 'crashed', heapBytes: 0, mailboxLength: 3 }];
    text = await m.scrape();
    assert.equal(sample(text, 'solo_services_running', { tenant: 'acme' }), 0);
    assert.equal(sample(text, 'solo_services_running', { tenant: 'beta' }), undefined);
    assert.equal(sample(text, 'solo_mailbox_depth', { tenant: 'acme', service: 'b' }), undefined);
  });

  it('counts requests with bounded verb and code labels', async () => {
    const m = new NodeMetrics({ defaultMetrics: false });
    m.observeApiRequest({ door: 'nats', verb: 'deploy', code: 'ok', seconds: 0.02 });
    m.observeApiRequest({ door: 'nats', verb: 'no-such-verb', code: 'invalid_request', seconds: 0.001 });
    m.observeApiRequest({ door: 'nats', verb: 'x'.repeat(200), code: 'weird', seconds: 0.001 });
    const text = await m.scrape();
    assert.equal(sample(text, 'solo_api_requests_total', { door: 'nats', verb: 'deploy', code: 'ok' }), 1);
    assert.equal(sample(text, 'solo_api_requests_total', { door: 'nats', verb: 'unknown', code: 'invalid_request' }), 1);
    assert.equal(sample(text, 'solo_api_requests_total', { door: 'nats', verb: 'unknown', code: 'internal' }), 1);
    assert.equal(sample(text, 'solo_api_request_duration_seconds_count', { door: 'nats', verb: 'deploy' }), 1);
    assert.doesNotMatch(text, /no-such-verb|xxxx|weird/);
  });

  it('counts events and restarts, and forgets a killed service', async () => {
    const m = new NodeMetrics({ defaultMetrics: false });
    m.countEvent('service_deployed');
    m.countEvent('service_deployed');
    m.countEvent('not_an_event');
    m.countRestart('acme', 'a');
    m.observeServiceCall('acme', 'a', 0.003);
    let text = await m.scrape();
    assert.equal(sample(text, 'solo_events_total', { type: 'service_deployed' }), 2);
    assert.equal(sample(text, 'solo_events_total', { type: 'unknown' }), 1);
    assert.equal(sample(text, 'solo_service_restarts_total', { tenant: 'acme', service: 'a' }), 1);
    assert.equal(sample(text, 'solo_service_call_duration_seconds_count', { tenant: 'acme', service: 'a' }), 1);
    m.forgetService('acme', 'a');
    text = await m.scrape();
    assert.equal(sample(text, 'solo_service_restarts_total', { tenant: 'acme', service: 'a' }), undefined);
    assert.equal(sample(text, 'solo_service_call_duration_seconds_count', { tenant: 'acme', service: 'a' }), undefined);
  });

  it('exports the NATS and recovery gauges, and the process metrics by default', async () => {
    const m = new NodeMetrics();
    m.setNatsConnected(true);
    m.setRecoverySeconds(1.5);
    const text = await m.scrape();
    assert.equal(sample(text, 'solo_nats_connected'), 1);
    assert.equal(sample(text, 'solo_recovery_seconds'), 1.5);
    assert.ok(sample(text, 'process_cpu_seconds_total') !== undefined);
    assert.ok(sample(text, 'nodejs_heap_size_used_bytes') !== undefined);
    assert.match(m.contentType, /^text\/plain/);
  });

  it('keeps separate registries for separate nodes', async () => {
    const a = new NodeMetrics({ defaultMetrics: false });
    const b = new NodeMetrics({ defaultMetrics: false });
    a.countEvent('service_killed');
    assert.equal(sample(await b.scrape(), 'solo_events_total', { type: 'service_killed' }), undefined);
  });
});
