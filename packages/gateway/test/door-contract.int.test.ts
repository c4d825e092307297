// The contract across doors: the same bad input sent through the NATS, REST and gRPC doors is answered with
// the same Solo code (REST with the HTTP status of that code's one mapping, gRPC with its gRPC status).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTempDir, uniqueName } from '@solo/testkit';
import { GRPC_STATUS, HTTP_STATUS } from '@solo/gateway';
import type { ErrorCode } from '@solo/protocol';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { clientTls, failure, soloClient, unary } from './grpc-client.ts';

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
  /** Runs first, in the case's own tenant (e.g. deploys what must already exist). */
  setup?: (tenant: string) => Promise<void>;
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
    setup: async (t) => {
      const r = await f.api(t, 'deploy', { service_id: 'dup', source: counter });
      assert.equal(r['ok'], true, JSON.stringify(r));
    },
    nats: { verb: 'deploy', body: { service_id: 'dup', source: counter } },
    rest: { method: 'POST', path: '/services', body: { service_id: 'dup', source: counter } },
    grpc: { method: 'Deploy', req: { service_id: 'dup', source: counter } },
  },
  { name: 'page limit over 1000', code: 'invalid_request', nats: { verb: 'list', body: { limit: 1001 } }, rest: { method: 'GET', path: '/services?limit=1001' }, grpc: { method: 'List', req: { limit: 1001 } } },
];

async function viaNats(t: string, c: ContractCase): Promise<unknown> {
  const raw = c.nats.raw !== undefined ? new TextEncoder().encode(c.nats.raw) : undefined;
  const r = await f.api(t, c.nats.verb, c.nats.body, raw);
  assert.equal(r['ok'], false, JSON.stringify(r));
  return (r['error'] as { code: string }).code;
}

async function viaRest(t: string, c: ContractCase): Promise<{ code: unknown; status: number }> {
  const text = c.rest.raw ?? (c.rest.body !== undefined ? JSON.stringify(c.rest.body) : undefined);
  const res = await fetch(`${f.node.info.http_url}${c.rest.path}`, {
    method: c.rest.method,
    headers: { 'x-solo-tenant': t, ...(text !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(text !== undefined ? { body: text } : {}),
  });
  const body = (await res.json()) as { error: unknown };
  return { code: body.error, status: res.status };
}

async function viaGrpc(t: string, c: ContractCase): Promise<{ code: unknown; status: number }> {
  const certs = createTempDir('solo-contract-certs-');
  const client = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, t, certs.path));
  try {
    return await failure(unary(client, c.grpc.method, { tenant: t, ...c.grpc.req }));
  } finally {
    client.close();
    certs.remove();
  }
}

describe('door contract', () => {
  for (const c of CASES) {
    it(`answers ${c.name} with ${c.code} on the NATS, REST and gRPC doors`, async () => {
      const natsTenant = uniqueName();
      const restTenant = uniqueName();
      const grpcTenant = uniqueName();
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
