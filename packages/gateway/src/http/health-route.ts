// `GET /health`: the kernel's readiness for load balancers and probes: 200 with the health reply when the
// node is ready, 503 with an `unavailable` error (the health reply in its details) otherwise.
import type { FastifyPluginCallback } from 'fastify';
import { SoloError } from '@solo/protocol';
import type { Kernel } from '@solo/kernel';
import { httpError } from './http-error-body.ts';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  kernel: Kernel;
}

/** Route plugin serving `GET /health`. */
export const healthRoutes: FastifyPluginCallback<HealthRoutesOptions> = (app, o, done) => {
  app.get('/health', { config: { soloVerb: 'health' } }, (req, reply) => {
    const health = o.kernel.health();
    if (health.status === 'ready') return reply.code(200).send({ ok: true, ...health });
    const err = new SoloError('unavailable', `The node is ${health.status}; retry in a moment.`, { details: { ...health, retry_after_ms: 1000 } });
    req.soloObservation?.fail(err);
    const { status, body, headers } = httpError(err, req.soloCorrelationId);
    return reply.code(status).headers(headers).send(body);
  });
  done();
};
