// `GET /metrics`: the node's Prometheus metrics in the text exposition format. Scrapes are not traced,
// counted or logged: a scraper every few seconds would drown the signals it collects.
import type { FastifyPluginCallback } from 'fastify';
import type { NodeMetrics } from '@solo/kernel';

/** Options of {@link metricsRoutes}. */
export interface MetricsRoutesOptions {
  metrics: NodeMetrics;
}

/** Route plugin serving `GET /metrics`. */
export const metricsRoutes: FastifyPluginCallback<MetricsRoutesOptions> = (app, o, done) => {
  app.get('/metrics', async (_req, reply) => {
    const text = await o.metrics.scrape();
    return reply.type(o.metrics.contentType).send(text);
  });
  done();
};
