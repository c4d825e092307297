// One request through a door, observed: a server span that continues the caller's trace (W3C headers), the
// request counter and latency histogram, and one log record with the outcome. Both doors use it.
import { SpanKind, context, trace, type Context, type Span } from '@opentelemetry/api';
import { ADMIN_VERBS, isApiVerb, type AuditRecord } from '@solo/protocol';
import { SPAN_ATTRIBUTES, errorOutcome, extractTraceContext, markSpanError, soloTracer, verbLabel, type Door, type KernelLogger, type NodeMetrics } from '@solo/kernel';

/** What a door learns about a request while handling it. */
export interface RequestFacts {
  tenant?: string;
  /** The verb as it came off the wire. */
  verb?: string;
  service?: string;
  /** Id of the capability token the request was authorized with. */
  tokenId?: string;
}

/** Where a door's requests are audited (`AuditLog` of `@solo/kernel`). */
export interface AuditSink {
  record(r: AuditRecord): void;
}

/** Options of {@link observeRequest}. */
export interface ObserveRequestOptions {
  door: Door;
  correlationId: string;
  /** Reads a request header (for `traceparent` / `tracestate`). */
  header: (name: string) => string | undefined;
  metrics?: NodeMetrics | undefined;
  log: KernelLogger;
  /** Receives one audit record per request. @default none */
  audit?: AuditSink | undefined;
}

// Verbs that change something: their records are worth keeping at the default level.
const STATE_CHANGING = new Set(['deploy', 'kill', 'swap', 'replace', 'rollback']);

/** A request being observed. Call {@link RequestObservation.end} exactly once, after the reply was sent. */
export class RequestObservation {
  readonly #o: ObserveRequestOptions;
  readonly #span: Span;
  readonly #ctx: Context;
  readonly #t0 = performance.now();
  readonly #facts: RequestFacts = {};
  #code = 'ok';
  #ended = false;

  constructor(o: ObserveRequestOptions) {
    this.#o = o;
    const parent = extractTraceContext(o.header);
    this.#span = soloTracer().startSpan(
      `solo.${o.door}.request`,
      { kind: SpanKind.SERVER, attributes: { [SPAN_ATTRIBUTES.door]: o.door, [SPAN_ATTRIBUTES.correlationId]: o.correlationId } },
      parent,
    );
    this.#ctx = trace.setSpan(parent, this.#span);
  }

  /** Records facts as they become known; the span is renamed `solo.<door>.<verb>` once the verb is known. */
  describe(f: RequestFacts): void {
    if (f.verb !== undefined) {
      this.#facts.verb = f.verb;
      const verb = verbLabel(f.verb);
      this.#span.updateName(`solo.${this.#o.door}.${verb}`);
      this.#span.setAttribute(SPAN_ATTRIBUTES.verb, verb);
    }
    if (f.tenant !== undefined) {
      this.#facts.tenant = f.tenant;
      this.#span.setAttribute(SPAN_ATTRIBUTES.tenant, f.tenant);
    }
    if (f.service !== undefined) {
      this.#facts.service = f.service;
      this.#span.setAttribute(SPAN_ATTRIBUTES.service, f.service);
    }
    if (f.tokenId !== undefined) this.#facts.tokenId = f.tokenId;
  }

  /** Runs `fn` with the request's span active, so the kernel's spans become its children. */
  run<T>(fn: () => T): T {
    return context.with(this.#ctx, fn);
  }

  /** Records that the request failed with `err` (its code labels the metrics, the span and the log record). */
  fail(err: unknown): void {
    this.#code = errorOutcome(err);
    markSpanError(this.#span, err);
  }

  /** Ends the span and records the metrics and the log record. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const seconds = (performance.now() - this.#t0) / 1000;
    this.#span.end();
    const verb = verbLabel(this.#facts.verb);
    this.#o.metrics?.observeApiRequest({ door: this.#o.door, verb, code: this.#code, seconds });
    const level = this.#code === 'internal' ? 'error' : this.#code !== 'ok' || STATE_CHANGING.has(verb) ? 'info' : 'debug';
    const fields: Record<string, unknown> = { door: this.#o.door, verb, code: this.#code, correlation_id: this.#o.correlationId };
    if (this.#facts.tenant !== undefined) fields['tenant_id'] = this.#facts.tenant;
    if (this.#facts.service !== undefined) fields['service_id'] = this.#facts.service;
    fields['duration_ms'] = Math.round(seconds * 1_000_000) / 1000;
    if (level === 'debug') this.#o.log.debug?.('request handled', fields);
    else this.#o.log[level]('request handled', fields);
    if (this.#o.audit !== undefined) {
      const record: AuditRecord = {
        at: new Date().toISOString(),
        door: this.#o.door,
        verb: auditVerb(this.#facts.verb),
        tenant: this.#facts.tenant ?? null,
        token_id: this.#facts.tokenId ?? null,
        outcome: this.#code,
        correlation_id: this.#o.correlationId,
        duration_ms: fields['duration_ms'] as number,
      };
      if (this.#facts.service !== undefined) record.service_id = this.#facts.service;
      this.#o.audit.record(record);
    }
  }
}

/** The verb an audit record names: a known tenant or operator verb, else `unknown` (clients pick subjects). */
function auditVerb(verb: string | undefined): string {
  return verb !== undefined && (isApiVerb(verb) || (ADMIN_VERBS as readonly string[]).includes(verb)) ? verb : 'unknown';
}

/** Starts observing one request that a door received. */
export function observeRequest(o: ObserveRequestOptions): RequestObservation {
  return new RequestObservation(o);
}

/** The `service_id` of a request body, when it names one (a string; validation happens elsewhere). */
export function serviceIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const id = (body as { service_id?: unknown }).service_id;
  return typeof id === 'string' && id.length <= 63 ? id : undefined;
}
