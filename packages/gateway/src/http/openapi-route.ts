// `GET /openapi.json`: the OpenAPI 3.1 document of the REST door, generated from the route table and the same
// zod schemas that validate the requests, so the document cannot drift from what the door accepts.
import type { FastifyPluginCallback } from 'fastify';
import { ERROR_CODES } from '@solo/protocol';
import { z } from 'zod';
import { HTTP_STATUS } from './http-status.ts';
import { ROUTE_TABLE, STREAM_TABLE, type RestRouteDoc } from './rest-route-table.ts';

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

/** The schema of each path parameter, by name. */
const PATH_PARAMS: Readonly<Record<string, Record<string, unknown>>> = {
  id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'Service id' },
  token_id: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$', description: 'Token id, as listed by GET /tokens' },
  name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,127}$', description: 'Secret name' },
};

function operation(r: RestRouteDoc): Record<string, unknown> {
  const parameters: unknown[] = [
    {
      name: 'X-Solo-Tenant',
      in: 'header',
      required: false,
      schema: { type: 'string' },
      description: "The tenant the operator's token acts for (or ?tenant=); a tenant's own token acts for its tenant only",
    },
  ];
  for (const [, name] of r.path.matchAll(/\{([a-z_]+)\}/g)) {
    parameters.push({ name, in: 'path', required: true, schema: PATH_PARAMS[name as string] ?? { type: 'string' } });
  }
  for (const [name, type] of Object.entries(r.query ?? {})) parameters.push({ name, in: 'query', required: false, schema: { type } });
  if (r.stream) {
    parameters.push({ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } });
    parameters.push({ name: 'access_token', in: 'query', required: false, schema: { type: 'string' }, description: 'The token, for clients that cannot set headers (EventSource)' });
  }
  const ok = r.stream
    ? { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }
    : { description: 'OK', content: { 'application/json': { schema: r.reply ?? { type: 'object' } } } };
  const op: Record<string, unknown> = {
    operationId: r.verb,
    summary: r.summary,
    security: r.stream ? [{ bearer: [] }, { accessToken: [] }] : [{ bearer: [] }],
    parameters,
    responses: {
      [String(r.status)]: ok,
      default: {
        description: 'A Solo error; the HTTP status follows the code. rate_limited (429), overloaded and unavailable (503) carry Retry-After (seconds).',
        headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait before retrying' } },
        content: { 'application/json': { schema: errorBody } },
      },
    },
  };
  if (r.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } };
  return op;
}

/** The OpenAPI document of the REST door. */
export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...ROUTE_TABLE, ...STREAM_TABLE]) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  paths['/health'] = { get: { operationId: 'health', summary: 'Node readiness (503 until ready); no token needed', security: [], responses: { 200: { description: 'ready' } } } };
  paths['/metrics'] = { get: { operationId: 'metrics', summary: 'Prometheus metrics; no token needed', security: [], responses: { 200: { description: 'text exposition format' } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'Solo REST API', version, description: `Errors: ${Object.entries(HTTP_STATUS).map(([c, s]) => `${c}=${s}`).join(', ')}` },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A Solo capability token: `Authorization: Bearer <token>`' },
        accessToken: { type: 'apiKey', in: 'query', name: 'access_token', description: 'The token as a query parameter (SSE streams only)' },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

/** Route plugin serving `GET /openapi.json` (built once). */
export const openApiRoutes: FastifyPluginCallback<OpenApiRoutesOptions> = (app, o, done) => {
  const doc = buildOpenApi(o.version);
  app.get('/openapi.json', (_req, reply) => reply.send(doc));
  done();
};
