// Cross-cutting behaviour of the HTTP door, registered on the root instance before any route plugin:
// correlation ids, request observation (span, metrics, log, audit record) for routes that name a verb, and the
// error and not-found replies in Solo's one wire shape (with `Retry-After` when the error hints a delay).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HEADERS, SoloError, isSoloError, type ApiVerb } from '@solo/protocol';
import type { KernelLogger, NodeMetrics } from '@solo/kernel';
import { observeRequest, type AuditSink, type RequestObservation } from '../telemetry/request-observer.ts';
import { httpError } from './http-error-body.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API verb a route answers; routes with one are traced, counted and logged like NATS requests. */
    soloVerb?: ApiVerb;
  }
  interface FastifyRequest {
    soloCorrelationId: string;
    soloObservation: RequestObservation | null;
  }
}

const CORRELATION_HEADER = HEADERS.correlationId.toLowerCase();

/** What the hooks need from the node. */
export interface HttpHooksOptions {
  log: KernelLogger;
  metrics?: NodeMetrics | undefined;
  /** Receives one audit record per observed request. @default none */
  audit?: AuditSink | undefined;
  /** Listed in the not-found reply. */
  routes: readonly string[];
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Fastify's own errors (bad media type, body too large…) carry a 4xx statusCode: they are the client's. */
function toSoloError(err: unknown): unknown {
  if (isSoloError(err)) return err;
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new SoloError('invalid_request', `The HTTP request was refused: ${(err as Error).message}.`, { cause: err });
  }
  return err;
}

/** Registers the hooks and handlers on `app`. */
export function registerHttpHooks(app: FastifyInstance, o: HttpHooksOptions): void {
  app.decorateRequest('soloCorrelationId', '');
  app.decorateRequest('soloObservation', null);

  app.addHook('onRequest', (req, reply, done) => {
    req.soloCorrelationId = headerOf(req.headers[CORRELATION_HEADER]) || randomUUID();
    void reply.header(HEADERS.correlationId, req.soloCorrelationId);
    const verb = req.routeOptions.config.soloVerb;
    if (verb === undefined) return done();
    const obs = observeRequest({
      door: 'rest',
      correlationId: req.soloCorrelationId,
      header: (name) => headerOf(req.headers[name.toLowerCase()]),
      metrics: o.metrics,
      log: o.log,
      audit: o.audit,
    });
    obs.describe({ verb });
    req.soloObservation = obs;
    // Continuing the chain inside the span's context makes it the active context of the route handler.
    obs.run(() => done());
  });

  app.addHook('onResponse', (req, _reply, done) => {
    req.soloObservation?.end();
    done();
  });

  app.setErrorHandler((err, req, reply) => {
    const solo = toSoloError(err);
    req.soloObservation?.fail(solo);
    const { status, body, headers } = httpError(solo, req.soloCorrelationId);
    if (body.error === 'internal') o.log.error('internal error', { door: 'rest', correlation_id: req.soloCorrelationId, error: err instanceof Error ? err.stack : String(err) });
    // `Retry-After` (whole seconds) when the error hints a delay: rate_limited, overloaded, unavailable.
    return reply.code(status).headers(headers).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    const { status, body } = httpError(
      new SoloError('not_found', `No route ${req.method} ${req.url.split('?')[0] ?? ''} on this node. Routes: ${o.routes.join(', ')}.`, {
        details: { method: req.method },
      }),
      req.soloCorrelationId,
    );
    return reply.code(status).send(body);
  });
}
