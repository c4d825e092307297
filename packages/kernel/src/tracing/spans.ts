// Solo's spans, over @opentelemetry/api only. Without a registered SDK the API is a no-op: spans are
// non-recording and cost a few object allocations, so instrumented code never checks whether tracing is on.
import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { isSoloError } from '@solo/protocol';
import { errorOutcome } from '../metrics/metric-labels.ts';

/** Name of the tracer every Solo span comes from (the instrumentation scope). */
export const TRACER_NAME = 'solo';

/** Span attribute keys Solo sets. */
export const SPAN_ATTRIBUTES = {
  tenant: 'solo.tenant_id',
  service: 'solo.service_id',
  correlationId: 'solo.correlation_id',
  door: 'solo.door',
  verb: 'solo.verb',
  errorCode: 'solo.error.code',
  version: 'solo.version',
  mailboxSeq: 'solo.mailbox.seq',
} as const;

/** Names of the spans the kernel and the doors start; `<door>` spans are `solo.<door>.<verb>`. */
export const SPAN_NAMES = {
  deploy: 'solo.deploy',
  deployCompile: 'solo.deploy.compile',
  deployAnalyse: 'solo.deploy.analyse',
  deployStore: 'solo.deploy.store',
  deployStart: 'solo.deploy.start',
  kernelCall: 'solo.kernel.call',
  kernelCast: 'solo.kernel.cast',
  actorCall: 'solo.actor.call',
  actorCast: 'solo.actor.cast',
  swap: 'solo.swap',
  recovery: 'solo.recovery',
} as const;

/** The kind of a span: `server` for a door receiving a request, `consumer` for a mailbox delivery. */
export type SoloSpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

const KINDS: Record<SoloSpanKind, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/** Options of {@link withSpan}. */
export interface WithSpanOptions {
  attributes?: Attributes;
  /** @default 'internal' */
  kind?: SoloSpanKind;
  /** The parent context (e.g. one extracted from request headers). @default the active context */
  parent?: Context;
}

/** The tracer Solo's spans come from (the global provider's, a no-op until an SDK is registered). */
export function soloTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** Span attributes naming a service. */
export function serviceAttributes(tenant: string, service: string): Attributes {
  return { [SPAN_ATTRIBUTES.tenant]: tenant, [SPAN_ATTRIBUTES.service]: service };
}

/**
 * Marks a span as failed with the error's Solo code (`internal` for anything else). Only unexpected errors
 * are recorded as exceptions: an expected code such as `not_found` carries no stack worth exporting.
 */
export function markSpanError(span: Span, err: unknown): void {
  const code = errorOutcome(err);
  span.setAttribute(SPAN_ATTRIBUTES.errorCode, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  if (!isSoloError(err)) span.recordException(err instanceof Error ? err : String(err));
}

/**
 * Runs `fn` inside a new span that is active for everything `fn` starts, and ends it when `fn` settles.
 * A rejection marks the span failed (see {@link markSpanError}) and is rethrown unchanged.
 */
export async function withSpan<T>(name: string, opts: WithSpanOptions, fn: (span: Span) => Promise<T> | T): Promise<T> {
  const parent = opts.parent ?? context.active();
  const span = soloTracer().startSpan(name, { kind: KINDS[opts.kind ?? 'internal'], attributes: opts.attributes ?? {} }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    markSpanError(span, err);
    throw err;
  } finally {
    span.end();
  }
}
