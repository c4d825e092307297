// Observation of one request on the NATS door: the caller's trace context comes in the message headers.
import type { Msg } from 'nats';
import type { KernelLogger, NodeMetrics } from '@solo/kernel';
import { observeRequest, type AuditSink, type RequestObservation } from '../telemetry/request-observer.ts';

/** Starts observing a request that arrived as `msg`. */
export function observeNatsRequest(msg: Msg, correlationId: string, o: { log: KernelLogger; metrics?: NodeMetrics | undefined; audit?: AuditSink | undefined }): RequestObservation {
  return observeRequest({
    door: 'nats',
    correlationId,
    header: (name) => msg.headers?.get(name) || undefined,
    metrics: o.metrics,
    log: o.log,
    audit: o.audit,
  });
}
