// A node running its services in sandbox host processes (`solo up --sandbox process`): calls work as with
// in-process isolates, and a sandbox process killed with -9 takes down only its tenant's actors, which their
// supervisors restart in a fresh process while the other tenant keeps answering.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headers } from 'nats';
import { connect } from 'nats';
import { natsAuthOptions } from '@solo/kernel';
import { startNode, type RunningNode } from '@solo/gateway';
import { HEADERS, adminApiSubject, tenantApiSubject, type SoloCredentials, type TenantId } from '@solo/protocol';
import { createTempDir, uniqueName, waitFor, type TempDir } from '@solo/testkit';
import { example } from './node-fixture.ts';

type Reply = Record<string, unknown>;
let node: RunningNode;
let dir: TempDir;
before(async () => {
  dir = createTempDir('solo-psb-');
  node = await startNode({ dataDir: dir.path, sandbox: 'process' });
});
after(async () => {
  await node.stop();
  dir.remove();
});

async function request(subject: string, body: unknown, token: string): Promise<Reply> {
  const nc = await connect({ servers: node.info.nats_url, ...natsAuthOptions(node.kernelNats!) });
  try {
    const h = headers();
    h.set(HEADERS.token, token);
    const m = await nc.request(subject, new TextEncoder().encode(JSON.stringify(body)), { timeout: 20_000, headers: h });
    return JSON.parse(new TextDecoder().decode(m.data)) as Reply;
  } finally {
    await nc.close();
  }
}

describe('a node with --sandbox process', () => {
  it('runs each tenant in its own host process and survives kill -9 of one', async () => {
    const tenants: Array<{ tenant: string; token: string }> = [];
    for (let i = 0; i < 2; i++) {
      const tenant = uniqueName();
      const r = await request(adminApiSubject('tenant_create'), { tenant }, node.adminToken);
      tenants.push({ tenant, token: (r['credentials'] as SoloCredentials).token });
    }
    const api = (t: { tenant: string; token: string }, verb: string, body: unknown): Promise<Reply> => request(tenantApiSubject(t.tenant as TenantId, verb), body, t.token);
    for (const t of tenants) {
      assert.equal((await api(t, 'deploy', { service_id: 'counter', source: example('counter') }))['ok'], true);
      assert.deepEqual((await api(t, 'call', { service_id: 'counter', message: { op: 'inc', by: 5 } }))['reply'], { count: 5 });
    }
    const [a, b] = tenants as [{ tenant: string; token: string }, { tenant: string; token: string }];
    const procs = node.hostProcesses();
    const pa = procs.find((p) => p.tenants.includes(a.tenant));
    const pb = procs.find((p) => p.tenants.includes(b.tenant));
    assert.ok(pa && pb && pa.pid !== pb.pid, JSON.stringify(procs));
    assert.notEqual(pa.pid, process.pid);

    process.kill(pa.pid, 'SIGKILL');
    // B never notices; A's counter is restarted by its supervisor in a fresh process (state starts over).
    assert.deepEqual((await api(b, 'call', { service_id: 'counter', message: { op: 'get' } }))['reply'], { count: 5 });
    await waitFor(async () => {
      const r = await api(a, 'call', { service_id: 'counter', message: { op: 'get' } });
      return r['ok'] === true;
    }, { timeoutMs: 30_000 });
    const again = node.hostProcesses().find((p) => p.tenants.includes(a.tenant));
    assert.ok(again && again.pid !== pa.pid);
    const status = await api(a, 'status', { service_id: 'counter' });
    assert.ok(Number(status['restarts']) >= 1, JSON.stringify(status));
  });
});
