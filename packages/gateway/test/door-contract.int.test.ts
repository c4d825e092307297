// The contract across doors: the same bad input sent through the NATS, REST and gRPC doors is answered with
// the same Solo code (REST with the HTTP status of that code's one mapping, gRPC with its gRPC status). Each
// door acts as a real tenant with its own token (gRPC: with that tenant's certificate), unless a case presents
// another token: none, a forged one, a narrow one, another tenant's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTempDir } from '@solo/testkit';
import { GRPC_STATUS, HTTP_STATUS } from '@solo/gateway';
import type { ErrorCode } from '@solo/protocol';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { clientTls, failure, soloClient, unary } from './grpc-client.ts';
import { createTenant, forged, grantToken, type TenantToken } from './tenant-tokens.ts';

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

interface ContractCase {
  name: string;
  code: ErrorCode;
  /** Runs first, as the case's own tenant (e.g. deploys what must already exist). */
  setup?: (own: TenantToken) => Promise<void>;
  /** The token the door presents instead of the tenant's own; null for none. */
  token?: (own: TenantToken) => Promise<string | null>;
  nats: { verb: string; body?: unknown; raw?: string };
  rest: { method: string; path: string; body?: unknown; raw?: string };
  grpc: { method: string; req: Record<string, unknown> };
}

const counter = example('counter');
const broken = 'export default { handleCall( { return 1; } };';

const CASES: ContractCase[] = [
  { name: 'malformed JSON', code: 'invalid_request', nats: { verb: 'deploy', raw: '{"service_id": ' }, rest: { method: 'POST', path: '/services', raw: '{"service_id": ' }, grpc: { method: 'Deploy', req: { service_id: 'x', source: counter, options_json: '{"service_id": ' } } },
  {
    name: 'unknown field',
    code: 'invalid_request',
    nats: { verb: 'deploy', body: { service_id: 'x', source: counter, colour: 'red' } },
    rest: { method: 'POST', path: '/services', body: { service_id: 'x', source: counter, colour: 'red' } },
    grpc: { method: 'Deploy', req: { service_id: 'x', source: counter, options_json: '{"colour":"red"}' } },
  },
  { name: 'invalid id', code: 'invalid_request', nats: { verb: 'status', body: { service_id: 'Not-Valid!' } }, rest: { method: 'GET', path: '/services/Not-Valid!' }, grpc: { method: 'Status', req: { service_id: 'Not-Valid!' } } },
  { name: 'unknown service (call)', code: 'not_found', nats: { verb: 'call', body: { service_id: 'ghost', message: 1 } }, rest: { method: 'POST', path: '/services/ghost/call', body: { message: 1 } }, grpc: { method: 'Call', req: { service_id: 'ghost', message_json: '1' } } },
  { name: 'unknown service (kill)', code: 'not_found', nats: { verb: 'kill', body: { service_id: 'ghost' } }, rest: { method: 'DELETE', path: '/services/ghost' }, grpc: { method: 'Kill', req: { service_id: 'ghost' } } },
  { name: 'unknown service (register)', code: 'not_found', nats: { verb: 'register', body: { service_id: 'ghost', name: 'n' } }, rest: { method: 'POST', path: '/registry', body: { service_id: 'ghost', name: 'n' } }, grpc: { method: 'RegisterService', req: { service_id: 'ghost', name: 'n' } } },
  { name: 'compile error', code: 'compile_error', nats: { verb: 'deploy', body: { service_id: 'bad', source: broken } }, rest: { method: 'POST', path: '/services', body: { service_id: 'bad', source: broken } }, grpc: { method: 'Deploy', req: { service_id: 'bad', source: broken } } },
  {
    name: 'already exists',
    code: 'already_exists',
    setup: async (own) => {
      const r = await f.api(own.tenant, 'deploy', { service_id: 'dup', source: counter }, undefined, own.token);
      assert.equal(r['ok'], true, JSON.stringify(r));
    },
    nats: { verb: 'deploy', body: { service_id: 'dup', source: counter } },
    rest: { method: 'POST', path: '/services', body: { service_id: 'dup', source: counter } },
    grpc: { method: 'Deploy', req: { service_id: 'dup', source: counter } },
  },
  { name: 'page limit over 1000', code: 'invalid_request', nats: { verb: 'list', body: { limit: 1001 } }, rest: { method: 'GET', path: '/services?limit=1001' }, grpc: { method: 'List', req: { limit: 1001 } } },
  { name: 'missing token', code: 'unauthorized', token: () => Promise.resolve(null), nats: { verb: 'list', body: {} }, rest: { method: 'GET', path: '/services' }, grpc: { method: 'List', req: {} } },
  { name: 'forged token', code: 'unauthorized', token: (own) => Promise.resolve(forged(own.token)), nats: { verb: 'list', body: {} }, rest: { method: 'GET', path: '/services' }, grpc: { method: 'List', req: {} } },
  {
    name: 'narrow token lacking the permission',
    code: 'forbidden',
    token: (own) => grantToken(f, own.tenant, { permissions: ['status', 'list'] }, own.token),
    nats: { verb: 'deploy', body: { service_id: 'x', source: counter } },
    rest: { method: 'POST', path: '/services', body: { service_id: 'x', source: counter } },
    grpc: { method: 'Deploy', req: { service_id: 'x', source: counter } },
  },
  {
    name: "another tenant's token",
    code: 'forbidden',
    token: async () => (await createTenant(f, 'other')).token,
    nats: { verb: 'list', body: {} },
    rest: { method: 'GET', path: '/services' },
    grpc: { method: 'List', req: {} },
  },
  {
    name: 'unknown permission in grant',
    code: 'invalid_request',
    nats: { verb: 'token_grant', body: { permissions: ['fly'] } },
    rest: { method: 'POST', path: '/tokens', body: { permissions: ['fly'] } },
    grpc: { method: 'GrantCapability', req: { permissions: ['fly'] } },
  },
  {
    name: "secret name with '/'",
    code: 'invalid_request',
    nats: { verb: 'secret_set', body: { name: 'db/url', value: 'x' } },
    rest: { method: 'POST', path: '/secrets', body: { name: 'db/url', value: 'x' } },
    grpc: { method: 'SetSecret', req: { name: 'db/url', value: 'x' } },
  },
  { name: "secret name with '.'", code: 'invalid_request', nats: { verb: 'secret_exists', body: { name: 'db.url' } }, rest: { method: 'GET', path: '/secrets/db.url' }, grpc: { method: 'SecretExists', req: { name: 'db.url' } } },
  {
    name: 'oversize secret value',
    code: 'limit_exceeded',
    nats: { verb: 'secret_set', body: { name: 'BIG', value: 'x'.repeat(64 * 1024 + 1) } },
    rest: { method: 'POST', path: '/secrets', body: { name: 'BIG', value: 'x'.repeat(64 * 1024 + 1) } },
    grpc: { method: 'SetSecret', req: { name: 'BIG', value: 'x'.repeat(64 * 1024 + 1) } },
  },
];

/** The token a door presents for `c`: the tenant's own unless the case says otherwise. */
async function tokenFor(own: TenantToken, c: ContractCase): Promise<string | null> {
  return c.token ? c.token(own) : own.token;
}

async function viaNats(own: TenantToken, c: ContractCase): Promise<unknown> {
  const raw = c.nats.raw !== undefined ? new TextEncoder().encode(c.nats.raw) : undefined;
  // An empty Solo-Token header is no token.
  const r = await f.api(own.tenant, c.nats.verb, c.nats.body, raw, (await tokenFor(own, c)) ?? '');
  assert.equal(r['ok'], false, JSON.stringify(r));
  return (r['error'] as { code: string }).code;
}

async function viaRest(own: TenantToken, c: ContractCase): Promise<{ code: unknown; status: number }> {
  const text = c.rest.raw ?? (c.rest.body !== undefined ? JSON.stringify(c.rest.body) : undefined);
  const token = await tokenFor(own, c);
  const res = await fetch(`${f.node.info.http_url}${c.rest.path}`, {
    method: c.rest.method,
    headers: {
      'x-solo-tenant': own.tenant,
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(text !== undefined ? { body: text } : {}),
  });
  const body = (await res.json()) as { error: unknown };
  return { code: body.error, status: res.status };
}

async function viaGrpc(own: TenantToken, c: ContractCase): Promise<{ code: unknown; status: number }> {
  const certs = createTempDir('solo-contract-certs-');
  const token = await tokenFor(own, c);
  const client = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, own.tenant, certs.path), token !== null ? { token } : {});
  try {
    return await failure(unary(client, c.grpc.method, { tenant: own.tenant, ...c.grpc.req }));
  } finally {
    client.close();
    certs.remove();
  }
}

describe('door contract', () => {
  for (const c of CASES) {
    it(`answers ${c.name} with ${c.code} on the NATS, REST and gRPC doors`, async () => {
      const natsTenant = await createTenant(f, 'cn');
      const restTenant = await createTenant(f, 'cr');
      const grpcTenant = await createTenant(f, 'cg');
      await c.setup?.(natsTenant);
      await c.setup?.(restTenant);
      await c.setup?.(grpcTenant);
      assert.equal(await viaNats(natsTenant, c), c.code, 'nats');
      const rest = await viaRest(restTenant, c);
      assert.equal(rest.code, c.code, 'rest');
      assert.equal(rest.status, HTTP_STATUS[c.code], 'rest status');
      const grpc = await viaGrpc(grpcTenant, c);
      assert.equal(grpc.code, c.code, 'grpc');
      assert.equal(grpc.status, GRPC_STATUS[c.code], 'grpc status');
    });
  }
});
