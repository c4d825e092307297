// Service discovery through the NATS door: register, discover by name and tags, tenant boundaries, TTL expiry,
// deregistration on kill, and registrations that survive a node restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNode } from '@solo/gateway';
import { uniqueName, waitFor } from '@solo/testkit';
import { tenantApiSubject, type TenantId } from '@solo/protocol';
import { adminHeaders, example, nodeNats, startNodeFixture, type NodeFixture } from './node-fixture.ts';

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

type Reply = Record<string, unknown>;
type Reg = { id: string; name: string; service_id: string; tenant: string; alive: boolean; tags: Record<string, string>; version: string; expires_at: string | null };
const errCode = (r: Reply): unknown => (r['error'] as { code?: string } | undefined)?.code;
const regs = (r: Reply): Reg[] => r['services'] as Reg[];
/** Registrations owned by `t` (another test's `shared_with: ['*']` registration is visible to every tenant). */
const own = (r: Reply, t: string): Reg[] => regs(r).filter((x) => x.tenant === t);

async function deploy(t: string, id: string): Promise<void> {
  const d = await f.api(t, 'deploy', { service_id: id, source: example('counter') });
  assert.equal(d['ok'], true, JSON.stringify(d));
}

describe('discovery', () => {
  it('registers services and discovers them by name and tag filter, with alive from the kernel', async () => {
    const t = uniqueName();
    await deploy(t, 'api-1');
    await deploy(t, 'api-2');
    await deploy(t, 'worker');
    const r1 = await f.api(t, 'register', { service_id: 'api-1', name: 'users', tags: { role: 'api', env: 'prod' } });
    assert.equal(r1['ok'], true, JSON.stringify(r1));
    const reg = r1['registration'] as Reg;
    assert.equal(reg.id, `${t}/api-1/users`);
    assert.equal(reg.version, '1.0.0');
    assert.equal(reg.alive, true);
    assert.equal(reg.expires_at, null);
    await f.api(t, 'register', { service_id: 'api-2', name: 'users', version: '2.0.0', tags: { role: 'api', env: 'dev' } });
    await f.api(t, 'register', { service_id: 'worker', name: 'jobs', tags: { role: 'worker', env: 'prod' } });

    const byName = await f.api(t, 'discover', { name: 'users' });
    assert.deepEqual(regs(byName).map((r) => r.service_id), ['api-1', 'api-2']);
    const filtered = await f.api(t, 'discover', { name: 'users', filter: { role: 'api', env: 'prod' } });
    assert.deepEqual(regs(filtered).map((r) => r.service_id), ['api-1']);
    const prod = await f.api(t, 'discover', { filter: { env: 'prod' } });
    assert.deepEqual(regs(prod).map((r) => r.id), [`${t}/api-1/users`, `${t}/worker/jobs`]);
    const all = await f.api(t, 'services', {});
    assert.equal(all['total'], 3);
    const page = await f.api(t, 'services', { limit: 2, offset: 0 });
    assert.equal(regs(page).length, 2);
    assert.equal(page['next_offset'], 2);
  });

  it('removes a service from discovery when it is killed', async () => {
    const t = uniqueName();
    await deploy(t, 'svc');
    await f.api(t, 'register', { service_id: 'svc', name: 'a' });
    await f.api(t, 'register', { service_id: 'svc', name: 'b' });
    assert.equal(own(await f.api(t, 'services', {}), t).length, 2);
    const k = await f.api(t, 'kill', { service_id: 'svc' });
    assert.equal(k['ok'], true);
    assert.equal(own(await f.api(t, 'services', {}), t).length, 0);
  });

  it('deregisters one name or every name of a service', async () => {
    const t = uniqueName();
    await deploy(t, 'svc');
    await f.api(t, 'register', { service_id: 'svc', name: 'a' });
    await f.api(t, 'register', { service_id: 'svc', name: 'b' });
    assert.deepEqual(await f.api(t, 'deregister', { service_id: 'svc', name: 'a' }), { ok: true, removed: 1 });
    assert.deepEqual(own(await f.api(t, 'services', {}), t).map((r) => r.name), ['b']);
    assert.deepEqual(await f.api(t, 'deregister', { service_id: 'svc' }), { ok: true, removed: 1 });
  });

  it('keeps tenants apart unless the owner shares a registration', async () => {
    const owner = uniqueName();
    const other = uniqueName();
    const third = uniqueName();
    await deploy(owner, 'private');
    await deploy(owner, 'shared');
    await deploy(owner, 'public');
    await f.api(owner, 'register', { service_id: 'private', name: 'db' });
    await f.api(owner, 'register', { service_id: 'shared', name: 'db', shared_with: [other] });
    await f.api(owner, 'register', { service_id: 'public', name: 'db', shared_with: ['*'] });
    assert.deepEqual(regs(await f.api(owner, 'discover', { name: 'db' })).map((r) => r.service_id), ['private', 'public', 'shared']);
    assert.deepEqual(regs(await f.api(other, 'discover', { name: 'db' })).map((r) => r.service_id), ['public', 'shared']);
    assert.deepEqual(regs(await f.api(third, 'discover', { name: 'db' })).map((r) => r.service_id), ['public']);
    // Another tenant cannot remove the owner's registration: it names its own (undeployed) service.
    assert.equal(errCode(await f.api(other, 'deregister', { service_id: 'public' })), 'not_found');
  });

  it('hides a registration once its TTL ran out and purges it from the bucket', async () => {
    const t = uniqueName();
    await deploy(t, 'svc');
    const r = await f.api(t, 'register', { service_id: 'svc', name: 'short', ttl_ms: 1000 });
    assert.notEqual((r['registration'] as Reg).expires_at, null);
    await f.api(t, 'register', { service_id: 'svc', name: 'long' });
    await waitFor(async () => own(await f.api(t, 'services', {}), t).length === 1, { timeoutMs: 10_000 });
    assert.deepEqual(own(await f.api(t, 'services', {}), t).map((x) => x.name), ['long']);
    await waitFor(async () => (await f.node.kernel.discovery.purgeExpired()) === 0, { timeoutMs: 10_000 });
  });

  it('rejects bad register, deregister and discover requests with their codes', async () => {
    const t = uniqueName();
    await deploy(t, 'svc');
    const cases: Array<[string, unknown, string]> = [
      ['register', { service_id: 'nope', name: 'x' }, 'not_found'],
      ['register', { service_id: 'svc', name: 'Bad Name' }, 'invalid_request'],
      ['register', { service_id: 'svc', name: 'x', colour: 'red' }, 'invalid_request'],
      ['register', { service_id: 'svc', name: 'x', ttl_ms: 10 }, 'invalid_request'],
      ['register', { service_id: 'svc', name: 'x', tags: { 'bad key': 'v' } }, 'invalid_request'],
      ['register', { service_id: 'svc', name: 'x', shared_with: ['Not A Tenant'] }, 'invalid_request'],
      ['deregister', { service_id: 'svc' }, 'not_found'],
      ['deregister', { service_id: 'BAD' }, 'invalid_request'],
      ['discover', { filter: { role: 7 } }, 'invalid_request'],
      ['discover', { limit: 1001 }, 'invalid_request'],
      ['services', { name: 'x' }, 'invalid_request'],
    ];
    for (const [verb, body, code] of cases) {
      assert.equal(errCode(await f.api(t, verb, body)), code, `${verb} ${JSON.stringify(body)}`);
    }
    // Nothing was registered by the failures.
    assert.equal(own(await f.api(t, 'services', {}), t).length, 0);
  });
});

describe('discovery across restarts', () => {
  it('keeps registrations in the durable bucket when the node restarts', async () => {
    const t = uniqueName();
    const dataDir = f.dir.path + '-restart';
    let node = await startNode({ dataDir });
    const api = async (verb: string, body: unknown): Promise<Reply> => {
      const nc = await nodeNats(node);
      try {
        const m = await nc.request(tenantApiSubject(t as TenantId, verb), new TextEncoder().encode(JSON.stringify(body)), { timeout: 15_000, headers: adminHeaders(node) });
        return JSON.parse(new TextDecoder().decode(m.data)) as Reply;
      } finally {
        await nc.close();
      }
    };
    try {
      assert.equal((await api('deploy', { service_id: 'svc', source: example('counter') }))['ok'], true);
      assert.equal((await api('register', { service_id: 'svc', name: 'kept', tags: { env: 'prod' } }))['ok'], true);
      await node.stop();
      node = await startNode({ dataDir });
      const found = regs(await api('discover', { name: 'kept', filter: { env: 'prod' } }));
      assert.equal(found.length, 1);
      assert.equal(found[0]?.alive, true);
    } finally {
      await node.stop();
    }
  });
});
