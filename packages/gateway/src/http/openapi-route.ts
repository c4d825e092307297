// `GET /openapi.json`: the OpenAPI 3.1 document of the REST door, generated from ROUTE_TABLE and the same zod
// schemas that validate the requests, so the document cannot drift from what the door accepts.
import type { FastifyPluginCallback } from 'fastify';
import { ERROR_CODES } from '@solo/protocol';
import { z } from 'zod';
import { HTTP_STATUS } from './http-status.ts';
import { ROUTE_TABLE, type RestRouteDoc } from './rest-routes.ts';

/** Options of {@link openApiRoutes}. */
export interface OpenApiRoutesOptions {
  version: string;
}

const errorBody = {
  type: 'object',
  required: ['error', 'message', 'correlation_id', 'timestamp'],
  properties: {
    error: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'The stable Solo error code' },
    message: { type: 'string' },
    correlation_id: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time' },
    details: { type: 'object' },
  },
};

const streams: readonly RestRouteDoc[] = [
  { method: 'GET', path: '/events', verb: 'events_follow', summary: 'Live event stream (SSE); resume with Last-Event-ID', status: 200, stream: true, query: { service_id: 'string', type: 'string', since_seq: 'integer' } },
  { method: 'GET', path: '/logs', verb: 'logs_follow', summary: 'Live log stream (SSE); resume with Last-Event-ID', status: 200, stream: true, query: { service_id: 'string', since_seq: 'integer' } },
];

function operation(r: RestRouteDoc): Record<string, unknown> {
  const parameters: unknown[] = [
    { name: 'X-Solo-Tenant', in: 'header', required: false, schema: { type: 'string' }, description: 'Interim: the tenant to act for (or ?tenant=), until tokens (#5)' },
  ];
  if (r.path.includes('{id}')) parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' } });
  for (const [name, type] of Object.entries(r.query ?? {})) parameters.push({ name, in: 'query', required: false, schema: { type } });
  if (r.stream) parameters.push({ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } });
  const op: Record<string, unknown> = {
    operationId: r.verb,
    summary: r.summary,
    parameters,
    responses: {
      [String(r.status)]: r.stream ? { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } : { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      default: { description: 'A Solo error; the HTTP status follows the code', content: { 'application/json': { schema: errorBody } } },
    },
  };
  if (r.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } };
  return op;
}

/** The OpenAPI document of the REST door. */
export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...ROUTE_TABLE, ...streams]) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  paths['/health'] = { get: { operationId: 'health', summary: 'Node readiness (503 until ready)', responses: { 200: { description: 'ready' } } } };
  paths['/metrics'] = { get: { operationId: 'metrics', summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'Solo REST API', version, description: `Errors: ${Object.entries(HTTP_STATUS).map(([c, s]) => `${c}=${s}`).join(', ')}` },
    paths,
  };
}

/** Route plugin serving `GET /openapi.json` (built once). */
export const openApiRoutes: FastifyPluginCallback<OpenApiRoutesOptions> = (app, o, done) => {
  const doc = buildOpenApi(o.version);
  app.get('/openapi.json', (_req, reply) => reply.send(doc));
  done();
};
