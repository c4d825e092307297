// One trace follows a request from an agent through the doors into the actor and back: the SDK client sends
// the active span as `traceparent`, the NATS door continues it, the kernel and the actor add their spans;
// casts carry it through the mailbox and HTTP requests through their headers (issue #8). Spans go to an
// in-memory exporter registered through startTracing, the same path `solo up` takes with OTEL_* set.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { connectSolo, type SoloClient } from '@solo/sdk';
import { uniqueName, waitFor } from '@solo/testkit';
import { startTracing, type Tracing } from '@solo/gateway';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';

const exporter = new InMemorySpanExporter();
let tracing: Tracing | null;
let f: NodeFixture;
let solo: SoloClient;
let tenant: string;

before(async () => {
  tracing = await startTracing({ env: {}, exporter, processor: 'simple' });
  assert.ok(tracing, 'tracing started with the in-memory exporter');
  f = await startNodeFixture();
  tenant = uniqueName();
  solo = await connectSolo({ natsUrl: f.node.info.nats_url, tenant, credentials: f.node.operatorCredentials });
  await solo.deploy({ service_id: 'counter', source: example('counter') });
});
after(async () => {
  await solo.close();
  await f.close();
  await tracing?.shutdown();
});
beforeEach(() => exporter.reset());

const agent = trace.getTracer('agent');
const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (name: string, traceId: string): ReadableSpan => {
  const s = spans().find((x) => x.name === name && x.spanContext().traceId === traceId);
  assert.ok(s, `no span '${name}' in trace ${traceId}: ${spans().map((x) => x.name).join(', ')}`);
  return s;
};
const parentId = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

/** Runs `fn` inside a root span of the agent and returns the span's trace and span ids. */
async function inAgentSpan(name: string, fn: () => Promise<unknown>): Promise<{ traceId: string; spanId: string }> {
  return agent.startActiveSpan(name, async (span) => {
    try {
      await fn();
    } finally {
      span.end();
    }
    return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
  });
}

describe('tracing across doors', () => {
  it('covers a call from the SDK through the NATS door, the kernel and the actor in one trace', async () => {
    const root = await inAgentSpan('agent.call', async () => {
      assert.deepEqual((await solo.call('counter', { op: 'inc', by: 2 })).reply, { count: 2 });
    });
    const door = named('solo.nats.call', root.traceId);
    const kernel = named('solo.kernel.call', root.traceId);
    const actor = named('solo.actor.call', root.traceId);
    assert.equal(door.kind, SpanKind.SERVER);
    assert.equal(parentId(door), root.spanId, 'the door continues the span the agent sent as traceparent');
    assert.equal(parentId(kernel), door.spanContext().spanId);
    assert.equal(parentId(actor), kernel.spanContext().spanId);
    assert.equal(door.attributes['solo.tenant_id'], tenant);
    assert.equal(door.attributes['solo.service_id'], 'counter');
    assert.match(String(door.attributes['solo.correlation_id']), /^[0-9a-f-]{36}$/);
    assert.equal(actor.attributes['solo.service_id'], 'counter');
  });

  it("nests a service's ctx.call under the call that caused it, also when calls queue behind each other", async () => {
    await solo.deploy({ service_id: 'pinger', source: example('pinger') });
    exporter.reset();
    const roots = await Promise.all(
      [1, 2, 3, 4].map((i) => inAgentSpan(`agent.ping.${i}`, () => solo.call('pinger', { target: 'counter', message: { op: 'get' } }))),
    );
    for (const root of roots) {
      const inTrace = spans().filter((s) => s.spanContext().traceId === root.traceId);
      const outer = inTrace.find((s) => s.name === 'solo.actor.call' && s.attributes['solo.service_id'] === 'pinger');
      const inner = inTrace.find((s) => s.name === 'solo.kernel.call' && s.attributes['solo.service_id'] === 'counter');
      assert.ok(outer && inner, `trace ${root.traceId}: ${inTrace.map((s) => s.name).join(', ')}`);
      assert.equal(parentId(inner), outer.spanContext().spanId);
    }
  });

  it('marks the door span of a failed call with its error code', async () => {
    const root = await inAgentSpan('agent.missing', async () => {
      await assert.rejects(solo.call('nope', {}), { code: 'not_found' });
    });
    const door = named('solo.nats.call', root.traceId);
    assert.equal(door.attributes['solo.error.code'], 'not_found');
  });

  it('follows a cast through the mailbox to the actor that handles it', async () => {
    const root = await inAgentSpan('agent.cast', async () => {
      await solo.cast('counter', { op: 'inc' });
    });
    const door = named('solo.nats.cast', root.traceId);
    const kernel = named('solo.kernel.cast', root.traceId);
    assert.equal(parentId(door), root.spanId);
    assert.equal(parentId(kernel), door.spanContext().spanId);
    await waitFor(() => spans().some((s) => s.name === 'solo.actor.cast' && s.spanContext().traceId === root.traceId), { timeoutMs: 10_000 });
    const actor = named('solo.actor.cast', root.traceId);
    assert.equal(actor.kind, SpanKind.CONSUMER);
    assert.equal(parentId(actor), kernel.spanContext().spanId);
  });

  it('traces a deploy as compile, analyse, store and start', async () => {
    const root = await inAgentSpan('agent.deploy', async () => {
      await solo.deploy({ service_id: 'kv', source: example('kv') });
    });
    const deploy = named('solo.deploy', root.traceId);
    assert.equal(parentId(named('solo.nats.deploy', root.traceId)), root.spanId);
    for (const step of ['compile', 'analyse', 'store', 'start']) {
      assert.equal(parentId(named(`solo.deploy.${step}`, root.traceId)), deploy.spanContext().spanId, step);
    }
  });

  it('continues a trace that arrives on the HTTP door in a traceparent header', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await fetch(`${f.node.info.http_url}/health`, { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    assert.equal(res.status, 200);
    await waitFor(() => spans().some((s) => s.name === 'solo.rest.health'), { timeoutMs: 5000 });
    const span = named('solo.rest.health', traceId);
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(parentId(span), callerSpan);
  });

  it('starts a new trace for a request without trace headers', async () => {
    await solo.health();
    const door = spans().find((s) => s.name === 'solo.nats.health');
    assert.ok(door);
    assert.equal(parentId(door), undefined);
  });
});
