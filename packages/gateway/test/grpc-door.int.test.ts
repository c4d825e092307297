// The gRPC door against a real node: every service verb of solo.v1.SoloKernel (with a tenant's certificate and
// its own token), Watch resume and cancel (no consumer left behind), the same Solo codes as the NATS door for
// the same bad input, grpc.health.v1 (Check, and Watch streaming changes) and reflection. Tokens, secrets,
// hot swap and the request observation: grpc-security.int.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type Client } from '@grpc/grpc-js';
import { createTempDir, waitFor, type TempDir } from '@solo/testkit';
import { GRPC_STATUS } from '@solo/gateway';
import { eventsStream, type ErrorCode } from '@solo/protocol';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { createTenant } from './tenant-tokens.ts';
import {
  clientTls,
  failure,
  reflectionClient,
  serverStream,
  soloClient,
  unary,
  unaryJson,
  type ClientTls,
} from './grpc-client.ts';

let f: NodeFixture;
let certs: TempDir;
let tenant: string;
let tls: ClientTls;
let client: Client;
before(async () => {
  f = await startNodeFixture();
  certs = createTempDir('solo-certs-');
  const own = await createTenant(f, 'g');
  tenant = own.tenant;
  tls = await clientTls(f.dir.path, tenant, certs.path);
  client = soloClient(f.node.info.grpc_url, tls, { token: own.token });
});
after(async () => {
  client.close();
  await f.close();
  certs.remove();
});

async function consumerCount(): Promise<number> {
  const jsm = await f.nc.jetstreamManager();
  return (await jsm.streams.info(eventsStream())).state.consumer_count;
}

describe('gRPC door: verbs', () => {
  it('records grpc_url in NodeInfo', () => {
    assert.match(f.node.info.grpc_url, /^grpcs:\/\/127\.0\.0\.1:\d+$/);
  });

  it('deploys, reports, lists, calls, casts, discovers and kills a service', async () => {
    const deployed = await unaryJson(client, 'Deploy', {
      service_id: 'counter',
      source: example('counter'),
      options_json: '{"restart":"transient"}',
    });
    assert.equal(deployed['service_id'], 'counter');
    assert.equal((await unaryJson(client, 'Status', { service_id: 'counter' }))['status'], 'running');
    const listed = await unaryJson(client, 'List', { limit: 10 });
    assert.equal((listed['services'] as unknown[]).length, 1);
    const called = await unary<{ reply_json: string }>(client, 'Call', {
      service_id: 'counter',
      message_json: '{"op":"inc","by":2}',
    });
    assert.deepEqual(JSON.parse(called.reply_json), { count: 2 });
    await unaryJson(client, 'Cast', { service_id: 'counter', message_json: '{"op":"inc"}' });
    await waitFor(
      async () =>
        JSON.parse(
          (await unary<{ reply_json: string }>(client, 'Call', { service_id: 'counter', message_json: '{}' }))
            .reply_json,
        ).count === 3,
      { timeoutMs: 10_000 },
    );
    const reg = await unaryJson(client, 'RegisterService', {
      service_id: 'counter',
      name: 'tally',
      version: '1.0.0',
      tags: { role: 'api' },
    });
    assert.equal((reg['registration'] as { name: string }).name, 'tally');
    const found = await unaryJson(client, 'DiscoverService', { name: 'tally', filter: { role: 'api' } });
    assert.equal((found['services'] as unknown[]).length, 1);
    assert.equal(((await unaryJson(client, 'GetServices', {}))['services'] as unknown[]).length, 1);
    assert.equal((await unaryJson(client, 'Health', {}))['status'], 'ready');
    await unaryJson(client, 'Kill', { service_id: 'counter' });
    const gone = await failure(unary(client, 'Status', { service_id: 'counter' }));
    assert.deepEqual([gone.status, gone.code], [status.NOT_FOUND, 'not_found']);
  });

  it('streams logs of a service', async () => {
    await unaryJson(client, 'Deploy', { service_id: 'logger', source: example('counter') });
    await unary(client, 'Call', { service_id: 'logger', message_json: '{"op":"inc"}' });
    const s = serverStream<{ seq: number; service_id: string; json: string }>(client, 'Logs', {
      service_id: 'logger',
      since_seq: 1,
    });
    const first = await new Promise<{ service_id: string; json: string }>((resolve, reject) => {
      s.once('data', resolve);
      s.once('error', reject);
    });
    s.cancel();
    assert.equal(first.service_id, 'logger');
    assert.equal((JSON.parse(first.json) as { message: string }).message, 'incremented');
  });

  it('bounds a call by its gRPC deadline', async () => {
    // The pinger calls itself: its one-at-a-time mailbox makes the inner call wait until the outer one ends.
    await unaryJson(client, 'Deploy', { service_id: 'pinger', source: example('pinger') });
    const r = await failure(
      unary(
        client,
        'Call',
        { service_id: 'pinger', message_json: '{"target":"pinger"}' },
        { deadline: new Date(Date.now() + 300) },
      ),
    );
    assert.equal(r.status, status.DEADLINE_EXCEEDED);
  });
});

describe('gRPC door: Watch', () => {
  it('resumes from a sequence and filters by service and type', async () => {
    await unaryJson(client, 'Deploy', { service_id: 'w1', source: example('counter') });
    await unaryJson(client, 'Kill', { service_id: 'w1' });
    const read = async (
      req: Record<string, unknown>,
      n: number,
    ): Promise<{ seq: number; type: string; service_id: string }[]> => {
      const s = serverStream<{ seq: number; type: string; service_id: string }>(client, 'Watch', req);
      const items: { seq: number; type: string; service_id: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        s.on('data', (e: { seq: number; type: string; service_id: string }) => {
          items.push(e);
          if (items.length === n) resolve();
        });
        s.on('error', (err: Error & { code?: number }) => (err.code === status.CANCELLED ? resolve() : reject(err)));
      });
      s.cancel();
      return items;
    };
    const all = await read({ service_id: 'w1', since_seq: 1 }, 2);
    assert.ok(all.every((e) => e.service_id === 'w1'));
    const second = all[1];
    assert.ok(second);
    const resumed = await read({ service_id: 'w1', since_seq: second.seq }, 1);
    assert.equal(resumed[0]?.seq, second.seq);
    const killed = await read({ service_id: 'w1', type: 'service_killed', since_seq: 1 }, 1);
    assert.equal(killed[0]?.type, 'service_killed');
  });

  it('deletes the JetStream consumer when the client cancels', async () => {
    // Streams of earlier tests count until their consumers are deleted.
    await waitFor(() => f.node.grpc.streams === 0, { timeoutMs: 10_000 });
    const baseline = await consumerCount();
    const s = serverStream(client, 'Watch', {});
    s.on('error', () => {});
    await waitFor(async () => (await consumerCount()) === baseline + 1 && f.node.grpc.streams === 1, {
      timeoutMs: 10_000,
    });
    s.cancel();
    await waitFor(async () => (await consumerCount()) === baseline && f.node.grpc.streams === 0, { timeoutMs: 10_000 });
  });

  it('refuses an unknown event type with invalid_request', async () => {
    const s = serverStream(client, 'Watch', { type: 'no_such_event' });
    const err = await new Promise<Error & { code: number }>((resolve) => s.on('error', resolve));
    assert.equal(err.code, status.INVALID_ARGUMENT);
  });
});

describe('gRPC door: same codes as NATS', () => {
  const counter = example('counter');
  const cases: {
    name: string;
    code: ErrorCode;
    nats: { verb: string; body: unknown };
    grpc: { method: string; req: unknown };
  }[] = [
    {
      name: 'unknown field',
      code: 'invalid_request',
      nats: { verb: 'deploy', body: { service_id: 'x', source: counter, colour: 'red' } },
      grpc: { method: 'Deploy', req: { service_id: 'x', source: counter, options_json: '{"colour":"red"}' } },
    },
    {
      name: 'invalid id',
      code: 'invalid_request',
      nats: { verb: 'status', body: { service_id: 'Not-Valid!' } },
      grpc: { method: 'Status', req: { service_id: 'Not-Valid!' } },
    },
    {
      name: 'unknown service (call)',
      code: 'not_found',
      nats: { verb: 'call', body: { service_id: 'ghost', message: 1 } },
      grpc: { method: 'Call', req: { service_id: 'ghost', message_json: '1' } },
    },
    {
      name: 'unknown service (kill)',
      code: 'not_found',
      nats: { verb: 'kill', body: { service_id: 'ghost' } },
      grpc: { method: 'Kill', req: { service_id: 'ghost' } },
    },
    {
      name: 'unknown service (register)',
      code: 'not_found',
      nats: { verb: 'register', body: { service_id: 'ghost', name: 'n' } },
      grpc: { method: 'RegisterService', req: { service_id: 'ghost', name: 'n' } },
    },
    {
      name: 'compile error',
      code: 'compile_error',
      nats: { verb: 'deploy', body: { service_id: 'bad', source: 'export default {' } },
      grpc: { method: 'Deploy', req: { service_id: 'bad', source: 'export default {' } },
    },
    {
      name: 'page limit over 1000',
      code: 'invalid_request',
      nats: { verb: 'list', body: { limit: 1001 } },
      grpc: { method: 'List', req: { limit: 1001 } },
    },
    {
      name: 'message not JSON',
      code: 'invalid_request',
      nats: { verb: 'cast', body: { service_id: 'x' } },
      grpc: { method: 'Cast', req: { service_id: 'x', message_json: '{' } },
    },
  ];
  for (const c of cases) {
    it(`answers ${c.name} with ${c.code} on both doors`, async () => {
      const viaNats = await f.api(tenant, c.nats.verb, c.nats.body);
      assert.equal((viaNats['error'] as { code: string }).code, c.code);
      const viaGrpc = await failure(unary(client, c.grpc.method, c.grpc.req));
      assert.deepEqual([viaGrpc.code, viaGrpc.status], [c.code, GRPC_STATUS[c.code]]);
      assert.ok(viaGrpc.details.length > 0);
    });
  }
});

describe('gRPC door: health and reflection', () => {
  it('answers grpc.health.v1 Check with SERVING, with the client certificate alone', async () => {
    const health = soloClient(f.node.info.grpc_url, tls, { service: ['grpc', 'health', 'v1', 'Health'] });
    assert.deepEqual(await unary(health, 'Check', { service: '' }), { status: 'SERVING' });
    assert.deepEqual(await unary(health, 'Check', { service: 'solo.v1.SoloKernel' }), { status: 'SERVING' });
    const unknown = await failure(unary(health, 'Check', { service: 'no.such.Service' }));
    assert.equal(unknown.status, status.NOT_FOUND);
    health.close();
  });

  it('streams the serving status with Watch and ends the stream when the client cancels', async () => {
    await waitFor(() => f.node.grpc.streams === 0, { timeoutMs: 10_000 });
    const health = soloClient(f.node.info.grpc_url, tls, { service: ['grpc', 'health', 'v1', 'Health'] });
    const s = serverStream<{ status: string }>(health, 'Watch', { service: '' });
    const errors: { code?: number }[] = [];
    s.on('error', (err: { code?: number }) => errors.push(err));
    const first = await new Promise<{ status: string }>((resolve) => s.once('data', resolve));
    assert.deepEqual(first, { status: 'SERVING' });
    await waitFor(() => f.node.grpc.streams === 1, { timeoutMs: 10_000 });
    s.cancel();
    await waitFor(() => f.node.grpc.streams === 0 && errors.length === 1, { timeoutMs: 10_000 });
    assert.equal(errors[0]?.code, status.CANCELLED);
    const unknown = serverStream<{ status: string }>(health, 'Watch', { service: 'no.such.Service' });
    unknown.on('error', () => {});
    assert.deepEqual(await new Promise((resolve) => unknown.once('data', resolve)), { status: 'SERVICE_UNKNOWN' });
    unknown.cancel();
    health.close();
  });

  it('lists SoloKernel through server reflection', async () => {
    const r = reflectionClient(f.node.info.grpc_url, tls);
    const call = (r as unknown as Record<string, () => NodeJS.ReadWriteStream>)['ServerReflectionInfo']?.call(r);
    assert.ok(call);
    const answer = await new Promise<{ list_services_response: { service: { name: string }[] } }>((resolve, reject) => {
      call.on('data', resolve);
      call.on('error', reject);
      call.write({ list_services: '' } as never);
    });
    call.end();
    r.close();
    assert.ok(answer.list_services_response.service.some((s) => s.name === 'solo.v1.SoloKernel'));
  });
});
