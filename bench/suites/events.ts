// The event log and the local call path: one durable event append (PubAck awaited) and batched appends,
// beside raw JetStream publishes, and a service-to-service `ctx.call` inside one node, which must not cost a
// NATS round trip.
import { connect, type NatsConnection } from 'nats';
import { connectSolo } from '@solo/sdk';
import { EventLog } from '@solo/store';
import type { EventInput } from '@solo/protocol';
import { counterSource, deployCounter } from '../lib/counter-source.ts';
import { QUICK_PLAN, tinybenchLatency } from '../lib/latency.ts';
import { latencyFromSamples, singleValue } from '../lib/measurement.ts';
import { baselineRef, type Suite, type SuiteContext } from '../lib/suite.ts';
import { BASELINE } from './baselines.ts';

const TENANT = 'bench-ev';

/** A service that makes `n` ctx.calls to `target` in a loop and replies with the elapsed milliseconds. */
const CALLER = `
export default {
  async handleCall(msg, state, ctx) {
    const t0 = Date.now();
    for (let i = 0; i < msg.n; i++) await ctx.call(msg.target, { op: 'get' });
    return { reply: Date.now() - t0, state };
  },
};
`;

function names(ctx: SuiteContext): { single: string; batched: string; s2s: string; batch: number; calls: number } {
  const batch = ctx.pick(20_000, 200);
  const calls = ctx.pick(2000, 20);
  return {
    batch,
    calls,
    single: 'emit one event (durable: JetStream PubAck awaited)',
    batched: `emit ${batch} events, 500 in flight`,
    s2s: `service-to-service ctx.call inside one node (${calls} calls from a service)`,
  };
}

function event(i: number): EventInput {
  return { type: 'service_emitted', tenant: TENANT, service_id: 'emitter', at: new Date().toISOString(), data: { type: 'bench', payload: { i } } };
}

async function batchedMs(log: EventLog, count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i += 500) {
    const batch: Promise<number>[] = [];
    for (let j = i; j < Math.min(count, i + 500); j++) batch.push(log.append(event(j)));
    await Promise.all(batch);
  }
  return performance.now() - t0;
}

export const eventsSuite: Suite = {
  name: 'events',
  plan(ctx) {
    const m = names(ctx);
    return [
      { measure: m.single, target: { unit: 'ms', checks: [{ stat: 'p50', maxTimesBaseline: 1.5 }] } },
      { measure: m.batched },
      { measure: m.s2s, target: { unit: 'ms', checks: [{ stat: 'p50', maxTimesBaseline: 1 }] } },
    ];
  },
  async run(ctx, emit) {
    const m = names(ctx);
    const node = await ctx.startNode('events');
    let nc: NatsConnection | null = null;
    await node.benchTenant(TENANT);
    const client = await connectSolo({ natsUrl: node.info.nats_url, tenant: TENANT, credentials: node.credentials });
    try {
      nc = await connect({ servers: node.info.nats_url, ...node.kernelAuth() });
      const log = await EventLog.open(nc);
      // Baseline: a raw awaited JetStream publish of the same size, to a scratch stream on the same server.
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: 'BENCH_RAW_EVENTS', subjects: ['bench.raw.events'] });
      const js = nc.jetstream();
      const payload = new TextEncoder().encode(JSON.stringify(event(0)));
      const plan = ctx.pick({ timeMs: 2000, iterations: 1000, warmupIterations: 50 }, QUICK_PLAN);
      const raw = await tinybenchLatency('raw JetStream publish', () => js.publish('bench.raw.events', payload), plan);
      const single = await tinybenchLatency(m.single, () => log.append(event(0)), plan);
      emit({
        measure: m.single,
        result: single,
        baseline: baselineRef('raw JetStream publish (PubAck awaited), same server and size', raw),
        note: "the append the kernel makes for every operation, on the node's own nats-server",
      });

      const ms = await batchedMs(log, m.batch);
      emit({ measure: m.batched, result: singleValue('ms', ms, { perSecond: (m.batch / ms) * 1000 }) });

      const source = counterSource(ctx.repoRoot);
      await deployCounter(client, 'target', source);
      await client.deploy({ service_id: 'caller', source: CALLER });
      await client.call('caller', { n: 10, target: 'target' });
      const perCall: number[] = [];
      for (let r = 0; r < ctx.pick(5, 1); r++) {
        const elapsed = (await client.call('caller', { n: m.calls, target: 'target' }, { timeoutMs: 60_000 })).reply as number;
        perCall.push(elapsed / m.calls);
      }
      const echo = ctx.baseline(BASELINE.natsEcho);
      emit({
        measure: m.s2s,
        result: latencyFromSamples(perCall),
        baseline: echo ? baselineRef(echo.name, echo.measurement) : null,
        note: 'per call, averaged inside the calling service over each run (p50/p99 across runs); target: below one NATS round trip',
      });
    } finally {
      await nc?.close();
      await client.close();
    }
  },
};
