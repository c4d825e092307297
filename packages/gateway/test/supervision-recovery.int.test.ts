// What supervision and code changes leave in the event log survives a restart of the node: the tenant's
// policy, a service's supervision options and the version a swap made current.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from 'nats';
import { createTempDir, uniqueName } from '@solo/testkit';
import { startNode, type RunningNode } from '@solo/gateway';
import { tenantApiSubject, type TenantId } from '@solo/protocol';
import { sequenceSource } from './service-sources.ts';
import { adminHeaders, nodeNats } from './node-fixture.ts';

type Reply = Record<string, unknown>;
const dir = createTempDir('solo-supervision-recovery-');
after(() => dir.remove());

async function withNode<T>(fn: (api: (verb: string, body: unknown) => Promise<Reply>) => Promise<T>): Promise<T> {
  const node: RunningNode = await startNode({ dataDir: dir.path });
  const nc: NatsConnection = await nodeNats(node);
  try {
    return await fn(async (verb, body) => {
      const m = await nc.request(tenantApiSubject(tenant as TenantId, verb), JSON.stringify(body), { timeout: 15_000, headers: adminHeaders(node) });
      const r = JSON.parse(new TextDecoder().decode(m.data)) as Reply;
      assert.equal(r['ok'], true, `${verb}: ${JSON.stringify(r)}`);
      return r;
    });
  } finally {
    await nc.close();
    await node.stop();
  }
}
const tenant = uniqueName();

describe('supervision across a node restart', () => {
  it('restores the tenant policy, the service options and the swapped version', async () => {
    await withNode(async (api) => {
      await api('supervision', { strategy: 'rest_for_one', max_restarts: 9, escalation: 'stop_all' });
      await api('deploy', { service_id: 'seq', source: sequenceSource({ version: '1.0.0' }), restart: 'transient', max_cast_attempts: 5, backoff: { initial_ms: 20 } });
      await api('swap', { service_id: 'seq', source: sequenceSource({ version: '2.0.0' }), rollback_window_ms: 0 });
    });
    await withNode(async (api) => {
      const policy = (await api('supervision', {}))['policy'] as Reply;
      assert.deepEqual([policy['strategy'], policy['max_restarts'], policy['escalation']], ['rest_for_one', 9, 'stop_all']);
      const tree = await api('tree', {});
      assert.equal((tree['policy'] as Reply)['strategy'], 'rest_for_one');
      assert.deepEqual((tree['children'] as Reply[]).map((c) => [c['service_id'], c['restart'], c['state']]), [['seq', 'transient', 'running']]);
      const st = await api('status', { service_id: 'seq' });
      assert.deepEqual([st['version'], st['code_version'], st['restart']], [2, '2.0.0', 'transient']);
      const reply = (await api('call', { service_id: 'seq', message: { op: 'get' } }))['reply'] as Reply;
      assert.equal(reply['version'], '2.0.0');
      const deployed = ((await api('events', { type: 'service_deployed', service_id: 'seq' }))['events'] as Reply[])[0];
      const options = (deployed?.['data'] as Reply)['options'] as Reply;
      assert.equal(options['max_cast_attempts'], 5);
      assert.deepEqual(options['backoff'], { initial_ms: 20 });
    });
  });
});
