// The REST API's security resources: static analysis (`POST /validate`), capability tokens (grant, list, revoke) and secrets (store, list, check,
// delete). They run the same security verbs as the NATS door (`dispatchSecurityVerb`), so the same bad input
// gets the same code. A secret's value goes in and never comes out: every reply carries metadata only.
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { SecretInfo } from '@solo/protocol';
import type { Kernel, Principal } from '@solo/kernel';
import { dispatchSecurityVerb, type SecurityVerb } from '../nats/security-dispatch.ts';
import { parseWireBody } from '../nats/request-schemas.ts';
import { parseSecretRef } from '../nats/security-schemas.ts';
import { secretPageQuery } from './rest-route-table.ts';
import { queryBody } from './rest-request.ts';
import { enterRest, restMeta } from './rest-principal.ts';

/** Options of {@link securityRoutes}. */
export interface SecurityRoutesOptions {
  kernel: Kernel;
}

/** What `GET /secrets/{name}` answers: whether the secret exists and, when it does, its metadata. */
export interface SecretStatus {
  name: string;
  exists: boolean;
  size: number | null;
  version: number | null;
  updated_at: string | null;
}

/** One page of secrets, like `GET /services`. */
export interface SecretPage {
  secrets: SecretInfo[];
  total: number;
  next_offset: number | null;
}

/** Pages a list the way the kernel pages services: `next_offset` is null on the last page. */
export function pageOf<T>(all: readonly T[], limit: number, offset: number): { items: T[]; total: number; next_offset: number | null } {
  const items = all.slice(offset, offset + limit);
  const next = offset + items.length;
  return { items, total: all.length, next_offset: next < all.length ? next : null };
}

/** Route plugin serving `/tokens` and `/secrets`. */
export const securityRoutes: FastifyPluginCallback<SecurityRoutesOptions> = (app: FastifyInstance, o, done) => {
  const { kernel } = o;
  const run = async (req: FastifyRequest, verb: SecurityVerb, body: unknown): Promise<Record<string, unknown>> => {
    const principal: Principal = await enterRest(kernel, req, verb);
    return dispatchSecurityVerb(kernel, principal, verb, body, restMeta(req));
  };

  app.post('/validate', { config: { soloVerb: 'validate' } }, (req) => run(req, 'validate', req.body));
  app.post('/tokens', { config: { soloVerb: 'token_grant' } }, async (req, reply) => reply.code(201).send(await run(req, 'token_grant', req.body)));
  app.get('/tokens', { config: { soloVerb: 'token_list' } }, (req) => run(req, 'token_list', queryBody(req.query)));
  app.delete<{ Params: { token_id: string } }>('/tokens/:token_id', { config: { soloVerb: 'token_revoke' } }, (req) => run(req, 'token_revoke', { token_id: req.params.token_id }));

  app.post('/secrets', { config: { soloVerb: 'secret_set' } }, async (req, reply) => reply.code(201).send(await run(req, 'secret_set', req.body)));
  app.get('/secrets', { config: { soloVerb: 'secret_list' } }, async (req): Promise<SecretPage> => {
    const { tenant } = await enterRest(kernel, req, 'secret_list');
    const q = parseWireBody(secretPageQuery, queryBody(req.query, { numeric: ['limit', 'offset'] }));
    const page = pageOf(kernel.secrets.list(tenant), q.limit ?? 100, q.offset ?? 0);
    return { secrets: page.items, total: page.total, next_offset: page.next_offset };
  });
  app.get<{ Params: { name: string } }>('/secrets/:name', { config: { soloVerb: 'secret_exists' } }, async (req): Promise<SecretStatus> => {
    const { tenant } = await enterRest(kernel, req, 'secret_exists');
    const { name } = parseSecretRef({ name: req.params.name });
    // `exists` checks the name by the vault's rules (one message on every door) before the list is read.
    const info = kernel.secrets.exists(tenant, name) ? kernel.secrets.list(tenant).find((s) => s.name === name) : undefined;
    return info === undefined
      ? { name, exists: false, size: null, version: null, updated_at: null }
      : { name, exists: true, size: info.size, version: info.version, updated_at: info.updated_at };
  });
  app.delete<{ Params: { name: string } }>('/secrets/:name', { config: { soloVerb: 'secret_delete' } }, (req) => run(req, 'secret_delete', { name: req.params.name }));
  done();
};
