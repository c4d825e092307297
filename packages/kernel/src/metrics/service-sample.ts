// What a metrics scrape reads from one kernel service entry: status, live heap and mailbox length.
import type { ServiceEntry } from '../service-entry.ts';
import type { ServiceSample } from './node-metrics.ts';

/** The sample of one service at scrape time. */
export function toServiceSample(e: ServiceEntry): ServiceSample {
  const inc = e.actor.incarnation;
  const heapBytes = inc !== null && !inc.disposed ? inc.heapBytes() : 0;
  return { tenant: e.tenant, service: e.service, status: e.status, heapBytes, mailboxLength: e.actor.mailboxLength };
}

/** Samples of every entry, for {@link NodeMetrics.observeServices}. */
export function sampleServices(entries: Iterable<ServiceEntry>): ServiceSample[] {
  const out: ServiceSample[] = [];
  for (const e of entries) out.push(toServiceSample(e));
  return out;
}
