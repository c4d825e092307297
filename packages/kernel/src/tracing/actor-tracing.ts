// The actor end of a trace: a service call (`solo.actor.call`, also timed into solo_service_call_duration_seconds)
// and the handling of a cast delivered from the mailbox (`solo.actor.cast`, continuing the caster's trace).
import type { NodeMetrics } from '../metrics/node-metrics.ts';
import { extractTraceContext } from './trace-context.ts';
import { SPAN_ATTRIBUTES, SPAN_NAMES, serviceAttributes, withSpan } from './spans.ts';

/** Runs one call of a service's actor under the `solo.actor.call` span and records its latency. */
export async function observeActorCall<T>(metrics: NodeMetrics | undefined, tenant: string, service: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await withSpan(SPAN_NAMES.actorCall, { attributes: serviceAttributes(tenant, service) }, fn);
  } finally {
    metrics?.observeServiceCall(tenant, service, (performance.now() - t0) / 1000);
  }
}

/** What {@link observeActorCast} needs from a mailbox delivery. */
export interface CastDeliveryFacts {
  tenant: string;
  service: string;
  seq: number;
  traceHeaders?: Readonly<Record<string, string>> | undefined;
}

/**
 * Runs the handling of one mailbox delivery under `solo.actor.cast`, whose parent is the span that cast it
 * (carried in the message's trace headers), so the trace of a cast reaches the actor.
 */
export function observeActorCast<T>(d: CastDeliveryFacts, fn: () => Promise<T>): Promise<T> {
  return withSpan(
    SPAN_NAMES.actorCast,
    {
      kind: 'consumer',
      parent: extractTraceContext((name) => d.traceHeaders?.[name]),
      attributes: { ...serviceAttributes(d.tenant, d.service), [SPAN_ATTRIBUTES.mailboxSeq]: d.seq },
    },
    fn,
  );
}
