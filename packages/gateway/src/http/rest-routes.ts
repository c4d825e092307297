// The REST API's service routes on the HTTP door: services (deploy, list, status, kill, hot swap, call, cast)
// and the discovery registry. Each authorizes with the bearer token and validates through the same wire
// parsers as the NATS door, so every door answers a bad request with the same Solo code. Documented in
// rest-route-table.ts.
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { parseTagText, type ApiVerb } from '@solo/protocol';
import type { Kernel, Principal } from '@solo/kernel';
import { deployCapability } from '../authorize.ts';
import { parseSwap } from '../nats/code-change-schemas.ts';
import { parseDeregister, parseDiscover, parseRegister } from '../nats/discovery-schemas.ts';
import { parseCall, parseCast, parseDeploy, parseKill, parseList, parseRef } from '../nats/request-schemas.ts';
import { serviceIdOf } from '../telemetry/request-observer.ts';
import { enterRest, restMeta } from './rest-principal.ts';
import { bodyWith, queryBody } from './rest-request.ts';

/** Options of {@link restRoutes}. */
export interface RestRoutesOptions {
  kernel: Kernel;
}

type Params = { id: string };

/** Route plugin serving the service and registry resources. */
export const restRoutes: FastifyPluginCallback<RestRoutesOptions> = (app: FastifyInstance, o, done) => {
  const { kernel } = o;
  const enter = (req: FastifyRequest, verb: ApiVerb, service?: string): Promise<Principal> => enterRest(kernel, req, verb, service);

  app.post('/services', { config: { soloVerb: 'deploy' } }, async (req, reply) => {
    const principal = await enter(req, 'deploy', serviceIdOf(req.body));
    // The service acts through `ctx` with the deployer's permissions and services, never more.
    const input = { ...parseDeploy(req.body), capability: deployCapability(principal) };
    return reply.code(201).send(await kernel.deploy(principal.tenant, input, restMeta(req)));
  });
  app.get('/services', { config: { soloVerb: 'list' } }, async (req) => {
    const { tenant } = await enter(req, 'list');
    return kernel.list(tenant, parseList(queryBody(req.query, { numeric: ['limit', 'offset'] })));
  });
  app.get<{ Params: Params }>('/services/:id', { config: { soloVerb: 'status' } }, async (req) => {
    const { tenant } = await enter(req, 'status', req.params.id);
    return kernel.status(tenant, parseRef({ service_id: req.params.id }).service);
  });
  app.delete<{ Params: Params }>('/services/:id', { config: { soloVerb: 'kill' } }, async (req) => {
    const { tenant } = await enter(req, 'kill', req.params.id);
    const input = parseKill({ ...queryBody(req.query, { numeric: ['timeout_ms'], boolean: ['force'] }), service_id: req.params.id });
    return kernel.kill(tenant, input, restMeta(req));
  });
  app.put<{ Params: Params }>('/services/:id/code', { config: { soloVerb: 'swap' } }, async (req) => {
    const { tenant } = await enter(req, 'swap', req.params.id);
    return kernel.codeChanges.swap(tenant, parseSwap(bodyWith(req.body, { service_id: req.params.id })), restMeta(req));
  });
  app.post<{ Params: Params }>('/services/:id/call', { config: { soloVerb: 'call' } }, async (req) => {
    const { tenant } = await enter(req, 'call', req.params.id);
    const r = parseCall(bodyWith(req.body, { service_id: req.params.id }));
    return { reply: await kernel.call(tenant, r.service, r.message, { timeoutMs: r.timeoutMs }) };
  });
  app.post<{ Params: Params }>('/services/:id/cast', { config: { soloVerb: 'cast' } }, async (req, reply) => {
    const { tenant } = await enter(req, 'cast', req.params.id);
    const r = parseCast(bodyWith(req.body, { service_id: req.params.id }));
    return reply.code(202).send(await kernel.cast(tenant, r.service, r.message, restMeta(req)));
  });

  app.post('/registry', { config: { soloVerb: 'register' } }, async (req, reply) => {
    const { tenant } = await enter(req, 'register', serviceIdOf(req.body));
    const input = parseRegister(req.body);
    const registration = await kernel.discovery.register(tenant, input, kernel.lockKeyOf(tenant, input.service));
    return reply.code(201).send({ registration });
  });
  app.get('/registry', { config: { soloVerb: 'discover' } }, async (req) => {
    const { tenant } = await enter(req, 'discover');
    const body = queryBody(req.query, { numeric: ['limit', 'offset'], boolean: ['alive_only'] });
    if (typeof body['filter'] === 'string') body['filter'] = parseTagText(body['filter']);
    return kernel.discovery.discover(tenant, parseDiscover(body));
  });
  app.delete<{ Params: Params }>('/registry/:id', { config: { soloVerb: 'deregister' } }, async (req) => {
    const { tenant } = await enter(req, 'deregister', req.params.id);
    const r = parseDeregister({ ...queryBody(req.query), service_id: req.params.id });
    return { removed: await kernel.discovery.deregister(tenant, r.service, r.name, kernel.lockKeyOf(tenant, r.service)) };
  });
  done();
};
