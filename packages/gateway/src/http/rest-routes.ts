// The REST API's resource routes on the HTTP door: services (deploy, list, status, kill, call, cast) and the
// discovery registry. Each validates through the same wire parsers as the NATS door, so both answer a bad
// request with the same Solo code; every route is described in ROUTE_TABLE for `/openapi.json`.
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { parseTagText, type ApiVerb, type TenantId } from '@solo/protocol';
import type { Kernel } from '@solo/kernel';
import type { z } from 'zod';
import { authorizeRestRequest } from '../authorize.ts';
import { parseDeregister, parseDiscover, parseRegister, registerSchema } from '../nats/discovery-schemas.ts';
import { REQUEST_SCHEMAS, parseCall, parseCast, parseDeploy, parseKill, parseList, parseRef } from '../nats/request-schemas.ts';
import { bodyWith, queryBody } from './rest-request.ts';

/** Options of {@link restRoutes}. */
export interface RestRoutesOptions {
  kernel: Kernel;
}

/** One documented REST route (the source of `/openapi.json`). */
export interface RestRouteDoc {
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI path, e.g. `/services/{id}`. */
  path: string;
  verb: ApiVerb;
  summary: string;
  status: number;
  body?: z.ZodType;
  query?: Record<string, 'string' | 'integer' | 'boolean'>;
  stream?: boolean;
}

const page = { limit: 'integer', offset: 'integer' } as const;

/** Every REST route with its schema. */
export const ROUTE_TABLE: readonly RestRouteDoc[] = [
  { method: 'POST', path: '/services', verb: 'deploy', summary: 'Deploy a service', status: 201, body: REQUEST_SCHEMAS.deploy },
  { method: 'GET', path: '/services', verb: 'list', summary: "One page of the tenant's services", status: 200, query: { status: 'string', ...page } },
  { method: 'GET', path: '/services/{id}', verb: 'status', summary: 'The status of one service', status: 200 },
  { method: 'DELETE', path: '/services/{id}', verb: 'kill', summary: 'Stop and remove a service', status: 200, query: { force: 'boolean', timeout_ms: 'integer' } },
  { method: 'POST', path: '/services/{id}/call', verb: 'call', summary: 'Request/reply to a service', status: 200, body: REQUEST_SCHEMAS.call.omit({ service_id: true }) },
  { method: 'POST', path: '/services/{id}/cast', verb: 'cast', summary: "Put a message in a service's durable mailbox", status: 202, body: REQUEST_SCHEMAS.cast.omit({ service_id: true }) },
  { method: 'POST', path: '/registry', verb: 'register', summary: 'Register a deployed service under a logical name', status: 201, body: registerSchema },
  { method: 'GET', path: '/registry', verb: 'discover', summary: 'Discover registrations by name and tag filter (role=api,env=prod)', status: 200, query: { name: 'string', filter: 'string', alive_only: 'boolean', ...page } },
  { method: 'DELETE', path: '/registry/{id}', verb: 'deregister', summary: "Remove a service's registrations (one name with ?name=)", status: 200, query: { name: 'string' } },
];

type Params = { id: string };

function credentials(req: FastifyRequest, verb: ApiVerb): TenantId {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const { tenant } = authorizeRestRequest({ verb, header, query: (req.query ?? {}) as Record<string, unknown> });
  return tenant;
}

/** Route plugin serving the REST resources. */
export const restRoutes: FastifyPluginCallback<RestRoutesOptions> = (app: FastifyInstance, o, done) => {
  const { kernel } = o;
  /** Authorizes, waits for recovery, and tags the request's observation with tenant and service. */
  const enter = async (req: FastifyRequest, verb: ApiVerb, service?: string): Promise<TenantId> => {
    const tenant = credentials(req, verb);
    req.soloObservation?.describe({ tenant, ...(service !== undefined ? { service } : {}) });
    await kernel.whenAccepting();
    return tenant;
  };
  const meta = (req: FastifyRequest): { correlationId: string } => ({ correlationId: req.soloCorrelationId });

  app.post('/services', { config: { soloVerb: 'deploy' } }, async (req, reply) => {
    const tenant = await enter(req, 'deploy');
    const input = parseDeploy(req.body);
    return reply.code(201).send(await kernel.deploy(tenant, input, meta(req)));
  });
  app.get('/services', { config: { soloVerb: 'list' } }, async (req) => {
    const tenant = await enter(req, 'list');
    return kernel.list(tenant, parseList(queryBody(req.query, { numeric: ['limit', 'offset'] })));
  });
  app.get<{ Params: Params }>('/services/:id', { config: { soloVerb: 'status' } }, async (req) => {
    const tenant = await enter(req, 'status', req.params.id);
    return kernel.status(tenant, parseRef({ service_id: req.params.id }).service);
  });
  app.delete<{ Params: Params }>('/services/:id', { config: { soloVerb: 'kill' } }, async (req) => {
    const tenant = await enter(req, 'kill', req.params.id);
    const input = parseKill({ ...queryBody(req.query, { numeric: ['timeout_ms'], boolean: ['force'] }), service_id: req.params.id });
    return kernel.kill(tenant, input, meta(req));
  });
  app.post<{ Params: Params }>('/services/:id/call', { config: { soloVerb: 'call' } }, async (req) => {
    const tenant = await enter(req, 'call', req.params.id);
    const r = parseCall(bodyWith(req.body, { service_id: req.params.id }));
    return { reply: await kernel.call(tenant, r.service, r.message, { timeoutMs: r.timeoutMs }) };
  });
  app.post<{ Params: Params }>('/services/:id/cast', { config: { soloVerb: 'cast' } }, async (req, reply) => {
    const tenant = await enter(req, 'cast', req.params.id);
    const r = parseCast(bodyWith(req.body, { service_id: req.params.id }));
    return reply.code(202).send(await kernel.cast(tenant, r.service, r.message, meta(req)));
  });

  app.post('/registry', { config: { soloVerb: 'register' } }, async (req, reply) => {
    const tenant = await enter(req, 'register');
    const input = parseRegister(req.body);
    const registration = await kernel.discovery.register(tenant, input, kernel.lockKeyOf(tenant, input.service));
    return reply.code(201).send({ registration });
  });
  app.get('/registry', { config: { soloVerb: 'discover' } }, async (req) => {
    const tenant = await enter(req, 'discover');
    const body = queryBody(req.query, { numeric: ['limit', 'offset'], boolean: ['alive_only'] });
    if (typeof body['filter'] === 'string') body['filter'] = parseTagText(body['filter']);
    return kernel.discovery.discover(tenant, parseDiscover(body));
  });
  app.delete<{ Params: Params }>('/registry/:id', { config: { soloVerb: 'deregister' } }, async (req) => {
    const tenant = await enter(req, 'deregister', req.params.id);
    const r = parseDeregister({ ...queryBody(req.query), service_id: req.params.id });
    return { removed: await kernel.discovery.deregister(tenant, r.service, r.name, kernel.lockKeyOf(tenant, r.service)) };
  });
  done();
};
