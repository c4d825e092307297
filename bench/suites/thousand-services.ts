// Scale of one node: 1000 idle counters in one tenant. RSS of the node's whole process tree (node,
// nats-server, children) before and after, the time to deploy them, and listing them in one page.
import { connectSolo } from '@solo/sdk';
import { counterSource, deployCounter } from '../lib/counter-source.ts';
import { QUICK_PLAN, sampleLoop, tinybenchLatency } from '../lib/latency.ts';
import { latencyFromSamples, singleValue, type Measurement } from '../lib/measurement.ts';
import type { NodeProcess } from '../lib/node-process.ts';
import { treeRssMiB } from '../lib/process-tree.ts';
import { formatMs } from '../lib/report.ts';
import { baselineRef, type Suite, type SuiteContext } from '../lib/suite.ts';

const TENANT = 'bench-idle';
/** 1.5 GB, the ceiling for 1000 idle services, in MiB. */
const RSS_CEILING_MIB = 1536;

function measures(ctx: SuiteContext): { rss: string; deploy: string; list: string; n: number } {
  const n = ctx.pick(1000, 5);
  return {
    n,
    rss: `${n} idle counter services: RSS of the node's process tree`,
    deploy: `time to deploy ${n} counters one after another (one tenant)`,
    list: `list of ${n} services (sdk list, limit ${n})`,
  };
}

/** Median of a few RSS readings after a settling pause, so a passing GC or flush does not decide the row. */
async function settledRss(node: NodeProcess, ctx: SuiteContext): Promise<{ m: Measurement; processes: string }> {
  await new Promise((r) => setTimeout(r, ctx.pick(3000, 200)));
  const readings: number[] = [];
  let processes = '';
  for (let i = 0; i < ctx.pick(5, 1); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 200));
    const t = treeRssMiB(node.rootPids());
    readings.push(t.rssMiB);
    processes = t.processes.map((p) => `${p.name} ${p.rssMiB.toFixed(0)}`).join(', ');
  }
  readings.sort((a, b) => a - b);
  return { m: singleValue('MiB', readings[Math.floor(readings.length / 2)] as number, { samples: readings.length }), processes };
}

export const thousandServicesSuite: Suite = {
  name: 'thousand-services',
  plan(ctx) {
    const m = measures(ctx);
    return [
      { measure: m.deploy },
      { measure: m.rss, target: { unit: 'MiB', checks: [{ stat: 'value', max: RSS_CEILING_MIB }] } },
      { measure: m.list, target: { unit: 'ms', checks: [{ stat: 'p50', max: 5 }] } },
    ];
  },
  async run(ctx, emit) {
    const m = measures(ctx);
    const node = await ctx.startNode('idle');
    await node.benchTenant(TENANT);
    const client = await connectSolo({ natsUrl: node.info.nats_url, tenant: TENANT, credentials: node.credentials });
    try {
      const empty = await settledRss(node, ctx);
      ctx.log(`node with 0 services: ${empty.m.value?.toFixed(0)} MiB (${empty.processes})`);

      const source = counterSource(ctx.repoRoot);
      ctx.log(`deploying ${m.n} counters`);
      const { samplesMs, totalMs } = await sampleLoop(m.n, (i) => deployCounter(client, `idle${i}`, source));
      const per = latencyFromSamples(samplesMs);
      emit({
        measure: m.deploy,
        result: singleValue('ms', totalMs, { perSecond: (m.n * 1000) / totalMs, samples: m.n }),
        note: `per deploy p50 ${formatMs(per.p50 ?? 0)}, p99 ${formatMs(per.p99 ?? 0)} as the tenant grows from 0 to ${m.n}`,
      });

      const full = await settledRss(node, ctx);
      const added = (full.m.value ?? 0) - (empty.m.value ?? 0);
      emit({
        measure: m.rss,
        result: full.m,
        baseline: baselineRef('same node, 0 services', empty.m),
        note: `MiB by process with ${m.n} services: ${full.processes}; 0 services: ${empty.processes}; ${((added * 1024) / m.n).toFixed(0)} KiB per service above the empty node`,
      });

      const page = await client.list({ limit: m.n });
      if (page.services.length !== m.n) throw new Error(`list({ limit: ${m.n} }) returned ${page.services.length} services, expected ${m.n}`);
      // The floor for this row: a raw NATS request whose reply has the same size as the list reply.
      const bytes = Buffer.byteLength(JSON.stringify({ ok: true, ...page }));
      const raw = await ctx.rawNats();
      const sized = await tinybenchLatency('raw sized reply', () => raw.sized(bytes), ctx.pick({ timeMs: 1000, iterations: 100, warmupIterations: 10 }, QUICK_PLAN));
      const list = await tinybenchLatency(m.list, () => client.list({ limit: m.n }), ctx.pick({ timeMs: 2000, iterations: 100, warmupIterations: 10 }, QUICK_PLAN));
      emit({ measure: m.list, result: list, baseline: baselineRef(`raw NATS reply of ${(bytes / 1024).toFixed(0)} KiB`, sized) });
    } finally {
      await client.close();
    }
  },
};
