// Solo's tracing helpers against a real OpenTelemetry SDK with an in-memory exporter: active child spans,
// error codes on failed spans, swap and recovery phases, W3C header round trips (issue #8).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SoloError } from '@solo/protocol';
import { NodeMetrics } from '../src/metrics/node-metrics.ts';
import { traceRecovery } from '../src/tracing/recovery-tracing.ts';
import { withSpan } from '../src/tracing/spans.ts';
import { traceSwap } from '../src/tracing/swap-tracing.ts';
import { extractTraceContext, traceContextHeaders } from '../src/tracing/trace-context.ts';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
before(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
after(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const byName = (name: string): ReadableSpan => {
  const s = exporter.getFinishedSpans().find((x) => x.name === name);
  assert.ok(s, `no span ${name} in ${exporter.getFinishedSpans().map((x) => x.name).join(', ')}`);
  return s;
};
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe('withSpan', () => {
  it('makes the span active for nested spans and returns the result', async () => {
    const r = await withSpan('outer', {}, () => withSpan('inner', {}, async () => 42));
    assert.equal(r, 42);
    assert.equal(parentOf(byName('inner')), byName('outer').spanContext().spanId);
  });

  it('marks a failed span with the Solo error code and rethrows the error unchanged', async () => {
    const err = new SoloError('not_found', 'nope');
    await assert.rejects(withSpan('fails', {}, () => Promise.reject(err)), (e) => e === err);
    const s = byName('fails');
    assert.equal(s.status.code, SpanStatusCode.ERROR);
    assert.equal(s.attributes['solo.error.code'], 'not_found');
    assert.equal(s.events.length, 0, 'an expected code carries no exception event');
  });

  it('records unexpected errors as exceptions with code internal', async () => {
    await assert.rejects(withSpan('boom', {}, () => Promise.reject(new Error('disk on fire'))));
    const s = byName('boom');
    assert.equal(s.attributes['solo.error.code'], 'internal');
    assert.equal(s.events[0]?.name, 'exception');
  });
});

describe('traceSwap and traceRecovery', () => {
  it('gives each swap phase a child span of solo.swap', async () => {
    await traceSwap({ tenant: 'acme', service: 'counter', fromVersion: 1, toVersion: 2 }, async (phase) => {
      await phase('compile', () => undefined);
      await phase('code_change', async () => undefined);
    });
    const swap = byName('solo.swap');
    assert.equal(swap.attributes['solo.tenant_id'], 'acme');
    assert.equal(swap.attributes['solo.swap.to_version'], 2);
    for (const n of ['solo.swap.compile', 'solo.swap.code_change']) assert.equal(parentOf(byName(n)), swap.spanContext().spanId);
  });

  it('records the recovery duration in solo_recovery_seconds, even when it fails', async () => {
    const metrics = new NodeMetrics({ defaultMetrics: false });
    await assert.rejects(
      traceRecovery({ metrics }, async (phase) => {
        await phase('replay', () => undefined);
        throw new SoloError('unavailable', 'log gone');
      }),
      { code: 'unavailable' },
    );
    assert.equal(byName('solo.recovery').status.code, SpanStatusCode.ERROR);
    assert.ok(byName('solo.recovery.replay'));
    assert.match(await metrics.scrape(), /^solo_recovery_seconds \d/m);
  });
});

describe('trace context headers', () => {
  it('round-trips the active span through traceparent', async () => {
    let headers: Record<string, string> = {};
    await withSpan('sender', {}, () => {
      headers = traceContextHeaders();
    });
    assert.match(headers['traceparent'] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const ctx = extractTraceContext((name) => headers[name]);
    const sender = byName('sender').spanContext();
    assert.equal(trace.getSpanContext(ctx)?.traceId, sender.traceId);
    assert.equal(trace.getSpanContext(ctx)?.spanId, sender.spanId);
  });

  it('starts a new trace when a request carries no trace headers', () => {
    const ctx = extractTraceContext(() => undefined);
    assert.equal(ctx, ROOT_CONTEXT);
  });
});
