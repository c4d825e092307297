// Every route of the REST API with its verb, request schema and reply shape: the source of `/openapi.json`
// and of the route list in the door's not-found reply. The schemas are the ones that validate the requests.
import type { z } from 'zod';
import type { ApiVerb } from '@solo/protocol';
import { CODE_CHANGE_SCHEMAS } from '../nats/code-change-schemas.ts';
import { registerSchema } from '../nats/discovery-schemas.ts';
import { REQUEST_SCHEMAS } from '../nats/request-schemas.ts';
import { SECURITY_SCHEMAS } from '../nats/security-schemas.ts';

/** One documented REST route. */
export interface RestRouteDoc {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI path, e.g. `/services/{id}`. */
  path: string;
  verb: ApiVerb;
  summary: string;
  status: number;
  body?: z.ZodType;
  query?: Record<string, 'string' | 'integer' | 'boolean'>;
  /** JSON schema of the success body. @default any object */
  reply?: Record<string, unknown>;
  stream?: boolean;
}

const page = { limit: 'integer', offset: 'integer' } as const;

/** The query of `GET /secrets`: one page, like `GET /services`. */
export const secretPageQuery = REQUEST_SCHEMAS.list.pick({ limit: true, offset: true });

const rateLimit = {
  type: ['object', 'null'],
  properties: { requests_per_second: { type: 'number' }, burst: { type: 'integer' } },
};
const tokenInfo = {
  type: 'object',
  required: ['token_id', 'tenant', 'permissions', 'services', 'expires_at', 'persistent', 'granted_at', 'revoked'],
  properties: {
    token_id: { type: 'string' },
    tenant: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
    services: { type: 'array', items: { type: 'string' } },
    expires_at: { type: ['string', 'null'], format: 'date-time' },
    rate_limit: rateLimit,
    persistent: { type: 'boolean' },
    label: { type: ['string', 'null'] },
    granted_at: { type: 'string', format: 'date-time' },
    ancestors: { type: 'array', items: { type: 'string' } },
    revoked: { type: 'boolean' },
  },
};
// A secret's metadata: there is no value field, on purpose — values leave the vault only into `ctx.secret`.
const secretInfo = {
  type: 'object',
  required: ['name', 'size', 'version', 'created_at', 'updated_at'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    size: { type: 'integer', description: 'UTF-8 bytes of the value' },
    version: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};
const secretStatus = {
  type: 'object',
  required: ['name', 'exists', 'size', 'version', 'updated_at'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    exists: { type: 'boolean' },
    size: { type: ['integer', 'null'] },
    version: { type: ['integer', 'null'] },
    updated_at: { type: ['string', 'null'], format: 'date-time' },
  },
};
const objectOf = (props: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', required: Object.keys(props), properties: props });

/** Every REST resource route with its schema. */
export const ROUTE_TABLE: readonly RestRouteDoc[] = [
  { method: 'POST', path: '/services', verb: 'deploy', summary: 'Deploy a service', status: 201, body: REQUEST_SCHEMAS.deploy },
  { method: 'GET', path: '/services', verb: 'list', summary: "One page of the tenant's services", status: 200, query: { status: 'string', ...page } },
  { method: 'GET', path: '/services/{id}', verb: 'status', summary: 'The status of one service', status: 200 },
  { method: 'DELETE', path: '/services/{id}', verb: 'kill', summary: 'Stop and remove a service', status: 200, query: { force: 'boolean', timeout_ms: 'integer' } },
  { method: 'PUT', path: '/services/{id}/code', verb: 'swap', summary: "Hot swap a running service's code (its state is kept; rolled back if the new code crashes within the window)", status: 200, body: CODE_CHANGE_SCHEMAS.swap.omit({ service_id: true }) },
  {
    method: 'POST',
    path: '/validate',
    verb: 'validate',
    summary: 'Static analysis of a service source without deploying it (the checks deploy enforces)',
    status: 200,
    body: SECURITY_SCHEMAS.validate,
    reply: objectOf({ valid: { type: 'boolean' }, findings: { type: 'array', items: { type: 'object' } }, duration_ms: { type: 'number' } }),
  },
  { method: 'POST', path: '/services/{id}/call', verb: 'call', summary: 'Request/reply to a service', status: 200, body: REQUEST_SCHEMAS.call.omit({ service_id: true }) },
  { method: 'POST', path: '/services/{id}/cast', verb: 'cast', summary: "Put a message in a service's durable mailbox", status: 202, body: REQUEST_SCHEMAS.cast.omit({ service_id: true }) },
  { method: 'POST', path: '/registry', verb: 'register', summary: 'Register a deployed service under a logical name', status: 201, body: registerSchema },
  { method: 'GET', path: '/registry', verb: 'discover', summary: 'Discover registrations by name and tag filter (role=api,env=prod)', status: 200, query: { name: 'string', filter: 'string', alive_only: 'boolean', ...page } },
  { method: 'DELETE', path: '/registry/{id}', verb: 'deregister', summary: "Remove a service's registrations (one name with ?name=)", status: 200, query: { name: 'string' } },
  {
    method: 'POST',
    path: '/tokens',
    verb: 'token_grant',
    summary: 'Grant a capability token, never wider than the caller’s own (the token text is shown once)',
    status: 201,
    body: SECURITY_SCHEMAS.tokenGrant,
    reply: objectOf({ token: { type: 'string' }, info: tokenInfo }),
  },
  { method: 'GET', path: '/tokens', verb: 'token_list', summary: "The tenant's tokens (never their text)", status: 200, reply: objectOf({ tokens: { type: 'array', items: tokenInfo } }) },
  {
    method: 'DELETE',
    path: '/tokens/{token_id}',
    verb: 'token_revoke',
    summary: 'Revoke a token and every token derived from it',
    status: 200,
    reply: objectOf({ token_id: { type: 'string' }, revoked: { type: 'boolean' } }),
  },
  { method: 'POST', path: '/secrets', verb: 'secret_set', summary: 'Store or replace a secret (the reply carries metadata only)', status: 201, body: SECURITY_SCHEMAS.secretSet, reply: objectOf({ secret: secretInfo }) },
  {
    method: 'GET',
    path: '/secrets',
    verb: 'secret_list',
    summary: "One page of the tenant's secrets (metadata only, never values)",
    status: 200,
    query: page,
    reply: objectOf({ secrets: { type: 'array', items: secretInfo }, total: { type: 'integer' }, next_offset: { type: ['integer', 'null'] } }),
  },
  { method: 'GET', path: '/secrets/{name}', verb: 'secret_exists', summary: 'Whether a secret exists, with its metadata (never its value)', status: 200, reply: secretStatus },
  { method: 'DELETE', path: '/secrets/{name}', verb: 'secret_delete', summary: 'Delete a secret', status: 200, reply: objectOf({ name: { type: 'string' }, deleted: { type: 'boolean' } }) },
];

/** The SSE streams (`sse-routes.ts`); they take the token as `?access_token=` too (EventSource sends no headers). */
export const STREAM_TABLE: readonly RestRouteDoc[] = [
  { method: 'GET', path: '/events', verb: 'events_follow', summary: 'Live event stream (SSE); resume with Last-Event-ID', status: 200, stream: true, query: { service_id: 'string', type: 'string', since_seq: 'integer' } },
  { method: 'GET', path: '/logs', verb: 'logs_follow', summary: 'Live log stream (SSE); resume with Last-Event-ID', status: 200, stream: true, query: { service_id: 'string', since_seq: 'integer' } },
];

/** `METHOD /path` of every route the door serves, for the not-found reply. */
export function routeList(): string[] {
  return ['GET /health', 'GET /metrics', 'GET /openapi.json', ...[...ROUTE_TABLE, ...STREAM_TABLE].map((r) => `${r.method} ${r.path}`)];
}
