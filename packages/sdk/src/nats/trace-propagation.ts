// Optional trace propagation: when the agent's process runs an OpenTelemetry SDK, each request carries the
// active span's context (`traceparent`, `tracestate`) so the node's spans join the agent's trace. Without an
// SDK, @opentelemetry/api's propagator is a no-op and no header is added.
import { context, propagation } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

/** Adds the active context's W3C trace headers to `h`. */
export function injectTraceHeaders(h: MsgHdrs): void {
  propagation.inject(context.active(), h, { set: (carrier, key, value) => carrier.set(key, value) });
}
