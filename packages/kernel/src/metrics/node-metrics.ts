// The node's Prometheus metrics (prom-client), one registry per node so that several nodes in one process
// (tests, benchmarks) never share series. Counters move when the kernel and the doors report facts; the
// service gauges are read from the kernel when a scrape asks for them, so they are never stale.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServiceStatusName } from '@solo/protocol';
import { eventTypeLabel, outcomeLabel, verbLabel, type Door } from './metric-labels.ts';

/** What a scrape reads about one deployed service. */
export interface ServiceSample {
  tenant: string;
  service: string;
  status: ServiceStatusName;
  /** Heap bytes of the live incarnation (0 when none is alive). */
  heapBytes: number;
  /** Casts and calls received and not yet handled. */
  mailboxLength: number;
}

/** One finished API request, as a door reports it. */
export interface ApiRequestObservation {
  door: Door;
  /** The verb as it came off the wire; anything that is not an API verb is labelled 'unknown'. */
  verb: string;
  /** 'ok' or the error code of the reply. */
  code: string;
  seconds: number;
}

/** Options of {@link NodeMetrics}. */
export interface NodeMetricsOptions {
  /** Also export prom-client's default process metrics (`process_*`, `nodejs_*`). @default true */
  defaultMetrics?: boolean;
}

/** Every metric name the node exports besides the default process metrics. */
export const METRIC_NAMES = {
  servicesRunning: 'solo_services_running',
  serviceRestarts: 'solo_service_restarts_total',
  events: 'solo_events_total',
  memoryBytes: 'solo_memory_bytes',
  mailboxDepth: 'solo_mailbox_depth',
  apiRequests: 'solo_api_requests_total',
  apiRequestDuration: 'solo_api_request_duration_seconds',
  serviceCallDuration: 'solo_service_call_duration_seconds',
  natsConnected: 'solo_nats_connected',
  recoverySeconds: 'solo_recovery_seconds',
} as const;

// From 0.5 ms (a local call on the isolate fast path) to 30 s (a deploy that compiles and spawns).
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The metrics of one node; expose {@link NodeMetrics.scrape} on `/metrics`. */
export class NodeMetrics {
  readonly #registry = new Registry();
  #services: () => Iterable<ServiceSample> = () => [];
  readonly #restarts: Counter<'tenant' | 'service'>;
  readonly #events: Counter<'type'>;
  readonly #apiRequests: Counter<'door' | 'verb' | 'code'>;
  readonly #apiDuration: Histogram<'door' | 'verb'>;
  readonly #callDuration: Histogram<'tenant' | 'service'>;
  readonly #natsConnected: Gauge;
  readonly #recoverySeconds: Gauge;

  constructor(opts: NodeMetricsOptions = {}) {
    const registers = [this.#registry];
    const samples = (): Iterable<ServiceSample> => this.#services();
    new Gauge({
      name: METRIC_NAMES.servicesRunning,
      help: 'Services whose actor is running, per tenant (tenants with deployed services only).',
      labelNames: ['tenant'],
      registers,
      collect() {
        this.reset();
        const running = new Map<string, number>();
        for (const s of samples()) running.set(s.tenant, (running.get(s.tenant) ?? 0) + (s.status === 'running' ? 1 : 0));
        for (const [tenant, n] of running) this.set({ tenant }, n);
      },
    });
    new Gauge({
      name: METRIC_NAMES.memoryBytes,
      help: 'Heap bytes used by the live isolates of a tenant.',
      labelNames: ['tenant'],
      registers,
      collect() {
        this.reset();
        const bytes = new Map<string, number>();
        for (const s of samples()) bytes.set(s.tenant, (bytes.get(s.tenant) ?? 0) + s.heapBytes);
        for (const [tenant, n] of bytes) this.set({ tenant }, n);
      },
    });
    new Gauge({
      name: METRIC_NAMES.mailboxDepth,
      help: 'Messages received by an actor and not yet handled.',
      labelNames: ['tenant', 'service'],
      registers,
      collect() {
        this.reset();
        for (const s of samples()) this.set({ tenant: s.tenant, service: s.service }, s.mailboxLength);
      },
    });
    this.#restarts = new Counter({
      name: METRIC_NAMES.serviceRestarts,
      help: 'Restarts of a service by its supervisor since it was deployed on this node.',
      labelNames: ['tenant', 'service'],
      registers,
    });
    this.#events = new Counter({ name: METRIC_NAMES.events, help: 'Events appended to the event log, by type.', labelNames: ['type'], registers });
    this.#apiRequests = new Counter({
      name: METRIC_NAMES.apiRequests,
      help: "API requests answered, by door, verb and outcome ('ok' or the error code).",
      labelNames: ['door', 'verb', 'code'],
      registers,
    });
    this.#apiDuration = new Histogram({
      name: METRIC_NAMES.apiRequestDuration,
      help: 'Time from receiving an API request to sending its reply.',
      labelNames: ['door', 'verb'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#callDuration = new Histogram({
      name: METRIC_NAMES.serviceCallDuration,
      help: 'Time a service call spends in the kernel and the actor (queueing included), from every door and ctx.call.',
      labelNames: ['tenant', 'service'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#natsConnected = new Gauge({ name: METRIC_NAMES.natsConnected, help: '1 while the node is connected to NATS, 0 otherwise.', registers });
    this.#recoverySeconds = new Gauge({
      name: METRIC_NAMES.recoverySeconds,
      help: 'Duration of the last recovery at start-up (checkpoint, replay, restart of services); 0 before one ran.',
      registers,
    });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.#registry });
  }

  /** Content-Type of {@link NodeMetrics.scrape}'s output (Prometheus text format). */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** The current value of every metric in the Prometheus text format. */
  scrape(): Promise<string> {
    return this.#registry.metrics();
  }

  /** Where the service gauges read from at each scrape; the kernel calls it once. */
  observeServices(source: () => Iterable<ServiceSample>): void {
    this.#services = source;
  }

  /** Counts one appended event. */
  countEvent(type: string): void {
    this.#events.inc({ type: eventTypeLabel(type) });
  }

  /** Counts one restart of a service by its supervisor. */
  countRestart(tenant: string, service: string): void {
    this.#restarts.inc({ tenant, service });
  }

  /** Drops a killed service's series, so that ids that come and go do not pile up. */
  forgetService(tenant: string, service: string): void {
    this.#restarts.remove({ tenant, service });
    this.#callDuration.remove({ tenant, service });
  }

  /** Records one answered API request. */
  observeApiRequest(o: ApiRequestObservation): void {
    const verb = verbLabel(o.verb);
    this.#apiRequests.inc({ door: o.door, verb, code: outcomeLabel(o.code) });
    this.#apiDuration.observe({ door: o.door, verb }, o.seconds);
  }

  /** Records how long one service call took (successful or not). */
  observeServiceCall(tenant: string, service: string, seconds: number): void {
    this.#callDuration.observe({ tenant, service }, seconds);
  }

  /** Records whether the node's NATS connection is up. */
  setNatsConnected(connected: boolean): void {
    this.#natsConnected.set(connected ? 1 : 0);
  }

  /** Records the duration of a recovery. */
  setRecoverySeconds(seconds: number): void {
    this.#recoverySeconds.set(seconds);
  }
}
