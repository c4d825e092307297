import { it } from 'node:test';
import { createTempDir, uniqueName } from '@solo/testkit';
import { connectSolo } from '@solo/sdk';
import { SEQUENCE_SERVICE, natsOf, startNodeProcess, waitMailboxDrained } from './node-process.ts';
it('timing', async () => {
  const d = createTempDir();
  const t = uniqueName();
  let t0 = Date.now();
  let node = await startNodeProcess(d.path);
  console.log('start', Date.now() - t0);
  let c = await connectSolo({ natsUrl: node.info.nats_url, tenant: t });
  await c.deploy({ service_id: 'seq', source: SEQUENCE_SERVICE, durable: true });
  let id = 1;
  for (let r = 0; r < 3; r++) {
    t0 = Date.now();
    const until = Date.now() + 200;
    while (Date.now() < until) await c.cast('seq', { id: id++ });
    console.log('casts', id, Date.now() - t0);
    t0 = Date.now();
    await c.close();
    await node.kill9();
    console.log('kill', Date.now() - t0);
    t0 = Date.now();
    node = await startNodeProcess(d.path);
    console.log('start', Date.now() - t0);
    t0 = Date.now();
    c = await connectSolo({ natsUrl: node.info.nats_url, tenant: t });
    const nc = await natsOf(node);
    await waitMailboxDrained(nc, node.info.node_id);
    await nc.close();
    console.log('drain', Date.now() - t0, JSON.stringify((await c.call('seq', null)).reply).slice(0, 80));
  }
  await c.close();
  await node.term();
  console.log(node.cli.stderr().split('\n').filter((l) => l.includes('error')).join('\n'));
  d.remove();
});
