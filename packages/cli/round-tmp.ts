import { connectSolo } from '@solo/sdk';
import { createTempDir, uniqueName } from '@solo/testkit';
import { SEQUENCE_SERVICE, natsOf, startNodeProcess, waitMailboxDrained } from './test/node-process.ts';
const dir = createTempDir('solo-round-');
const tenant = uniqueName();
let t = performance.now();
const lap = (m: string) => { const n = performance.now(); console.log(m, (n - t).toFixed(0), 'ms'); t = n; };
let node = await startNodeProcess(dir.path);
lap('start');
let c = await connectSolo({ natsUrl: node.info.nats_url, tenant, requestTimeoutMs: 15000 });
await c.deploy({ service_id: 'seq', source: SEQUENCE_SERVICE, durable: true });
lap('deploy');
let id = 1;
for (let round = 0; round < 3; round++) {
  let killed = false;
  setTimeout(() => { killed = true; void node.kill9(); }, 200);
  while (!killed) { try { await c.cast('seq', { id }); id++; } catch { break; } }
  await node.cli.exited;
  lap('killed after casts ' + id);
  await c.close().catch(() => undefined);
  node = await startNodeProcess(dir.path);
  lap('restart');
  c = await connectSolo({ natsUrl: node.info.nats_url, tenant, requestTimeoutMs: 15000 });
  const nc = await natsOf(node);
  await waitMailboxDrained(nc, node.info.node_id);
  lap('drained');
  await nc.close();
  const s = (await c.call('seq', null)).reply;
  lap('call ' + JSON.stringify(s).slice(0, 80));
}
await c.close();
await node.term();
dir.remove();
