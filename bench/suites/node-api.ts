// Latency of the node's tenant API over NATS, as an agent sees it through @solo/sdk: deploy under fresh
// ids, call a running counter, and status. One node (started through the CLI) serves the whole suite.
import { connectSolo } from '@solo/sdk';
import { deployCounter, counterSource } from '../lib/counter-source.ts';
import { QUICK_PLAN, pairedLatency, tinybenchLatency } from '../lib/latency.ts';
import { baselineRef, type Suite } from '../lib/suite.ts';
import { BASELINE, CALL_MESSAGE } from './baselines.ts';

const M = {
  deploy: 'deploy examples/counter.ts under a fresh id (source → running, event acked)',
  call: 'call round trip agent → service → agent (sdk call over NATS)',
  status: 'status of one service (sdk over NATS)',
  boundary: 'call round trip with services in sandbox host processes (the default), paired with the same call to a node running --sandbox isolate',
} as const;

const TENANT = 'bench';

export const nodeApiSuite: Suite = {
  name: 'node-api',
  plan: () => [
    { measure: M.deploy, target: { unit: 'ms', checks: [{ stat: 'p50', max: 10 }, { stat: 'p99', max: 30 }] } },
    { measure: M.call, target: { unit: 'ms', checks: [{ stat: 'p50', maxTimesBaseline: 1.5 }] } },
    { measure: M.status, target: { unit: 'ms', checks: [{ stat: 'p50', max: 1 }] } },
    { measure: M.boundary },
  ],
  async run(ctx, emit) {
    const node = await ctx.startNode('api');
    await node.benchTenant(TENANT);
    const client = await connectSolo({ natsUrl: node.info.nats_url, tenant: TENANT, credentials: node.credentials });
    try {
      const source = counterSource(ctx.repoRoot);
      let next = 0;
      let lastId = '';
      const deploy = await tinybenchLatency(M.deploy, async () => {
        lastId = `d${next++}`;
        await deployCounter(client, lastId, source);
      }, ctx.pick({ timeMs: 3000, iterations: 200, warmupIterations: 10 }, QUICK_PLAN));
      // Untimed check that "deployed" meant "running": the reply must not come before the actor is up.
      const after = await client.status(lastId);
      emit({
        measure: M.deploy,
        result: deploy,
        baseline: ctx.baseline(BASELINE.isolateStart),
        note: after.status === 'running' ? undefined : `the last deployed service was '${after.status}', not 'running', right after its deploy reply`,
      });

      await deployCounter(client, 'c-call', source);
      await client.call('c-call', CALL_MESSAGE);
      // Each row is measured in alternating rounds with the raw echo, so both see the same load; the echo
      // of the baselines suite ran seconds earlier and is shown in its own row.
      const raw = await ctx.rawNats();
      const payload = new TextEncoder().encode(JSON.stringify(CALL_MESSAGE));
      const echo = { name: 'raw NATS echo', fn: () => raw.echo(payload) };
      const [call, callEcho] = await pairedLatency(
        { name: M.call, fn: () => client.call('c-call', CALL_MESSAGE) },
        echo,
        ctx.pick({ timeMs: 4000, iterations: 2000, warmupIterations: 100, rounds: 5 }, { ...QUICK_PLAN, rounds: 1 }),
      );
      emit({ measure: M.call, result: call, baseline: baselineRef('raw NATS echo, paired', callEcho) });

      const [status, statusEcho] = await pairedLatency(
        { name: M.status, fn: () => client.status('c-call') },
        echo,
        ctx.pick({ timeMs: 2000, iterations: 1000, warmupIterations: 100, rounds: 5 }, { ...QUICK_PLAN, rounds: 1 }),
      );
      emit({ measure: M.status, result: status, baseline: baselineRef('raw NATS echo, paired', statusEcho) });

      // What the process boundary costs end to end (issue #6): the same call, alternating between this node and
      // one that keeps isolates in its own process.
      const inProcessNode = await ctx.startNode('api-isolate', { sandbox: 'isolate' });
      await inProcessNode.benchTenant(TENANT);
      const inProcess = await connectSolo({ natsUrl: inProcessNode.info.nats_url, tenant: TENANT, credentials: inProcessNode.credentials });
      try {
        await deployCounter(inProcess, 'c-call', source);
        await inProcess.call('c-call', CALL_MESSAGE);
        const [viaHost, inNode] = await pairedLatency(
          { name: M.boundary, fn: () => client.call('c-call', CALL_MESSAGE) },
          { name: 'call, --sandbox isolate', fn: () => inProcess.call('c-call', CALL_MESSAGE) },
          ctx.pick({ timeMs: 4000, iterations: 2000, warmupIterations: 100, rounds: 5 }, { ...QUICK_PLAN, rounds: 1 }),
        );
        emit({ measure: M.boundary, result: viaHost, baseline: baselineRef('the same call to a node with --sandbox isolate, paired', inNode) });
      } finally {
        await inProcess.close();
        await inProcessNode.stop();
      }
    } finally {
      await client.close();
    }
  },
};
