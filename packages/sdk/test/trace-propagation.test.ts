// The SDK puts the active span's W3C trace context in request headers when the agent runs an OpenTelemetry
// SDK, and adds nothing otherwise (issue #8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { headers } from 'nats';
import { injectTraceHeaders } from '../src/nats/trace-propagation.ts';

const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };

describe('injectTraceHeaders', () => {
  it('adds nothing while no OpenTelemetry SDK is registered', () => {
    const h = headers();
    context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => injectTraceHeaders(h));
    assert.equal(h.has('traceparent'), false);
  });

  it('adds the active span as traceparent once a propagator is registered', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const h = headers();
      context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => injectTraceHeaders(h));
      assert.equal(h.get('traceparent'), `00-${spanContext.traceId}-${spanContext.spanId}-01`);
      const none = headers();
      injectTraceHeaders(none);
      assert.equal(none.has('traceparent'), false, 'no active span, no header');
    } finally {
      propagation.disable();
      context.disable();
    }
  });
});
