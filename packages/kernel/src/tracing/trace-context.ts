// W3C trace context (`traceparent`, `tracestate`) in and out of headers: NATS message headers, HTTP headers
// and mailbox messages. Uses the globally registered propagator, so it does nothing while tracing is off.
import { ROOT_CONTEXT, context, propagation, type Context } from '@opentelemetry/api';
import { HEADERS } from '@solo/protocol';

const TRACE_HEADER_NAMES: readonly string[] = [HEADERS.traceparent, HEADERS.tracestate];

/**
 * The context a request carries in its headers, as the parent of the span that handles it. A request
 * without trace headers starts a new trace (the root context), never the handler's ambient one.
 */
export function extractTraceContext(get: (name: string) => string | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, undefined, {
    get: (_carrier, key) => get(key),
    keys: () => [...TRACE_HEADER_NAMES],
  });
}

/** Writes the trace headers of `ctx` (default: the active context) through `set`. */
export function injectTraceContext(set: (name: string, value: string) => void, ctx: Context = context.active()): void {
  propagation.inject(ctx, undefined, { set: (_carrier, key, value) => set(key, value) });
}

/** The trace headers of `ctx` (default: the active context) as a plain object; empty while tracing is off. */
export function traceContextHeaders(ctx: Context = context.active()): Record<string, string> {
  const out: Record<string, string> = {};
  injectTraceContext((name, value) => {
    out[name] = value;
  }, ctx);
  return out;
}
