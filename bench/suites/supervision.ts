// Supervision and hot code replacement (issue #3), through a node started by the CLI and @solo/sdk: a crashed
// permanent service answering again, a hot swap of counter under load, and messages lost or reordered across
// 100 swaps under load. A BEAM supervisor restarting a crashed child (bench/beam/, via escript) runs in the
// same run as the baseline of the restart row.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectSolo, type Json, type SoloClient } from '@solo/sdk';
import { latencyFromSamples, singleValue, type Measurement } from '../lib/measurement.ts';
import { baselineRef, type Suite, type SuiteContext } from '../lib/suite.ts';

const M = {
  restart:
    'crash → actor running again (permanent, no backoff): crash call sent → next call answered by the new incarnation',
  swap: 'hot swap of counter under load, start → switched (sdk swap request → reply)',
  lost: 'messages lost or reordered during 100 swaps under load',
  beam: 'BEAM supervisor restart of a crashed child (escript, one_for_one, kill → new child registered)',
} as const;

const TENANT = 'bench-sup';

/** A service that numbers what it handles: casts `{ c }` and calls `{ k }`, each from 1; `bad` keeps misorders. */
function sequenceSource(version: string): string {
  return `
export default {
  version: '${version}',
  init() { return { c: 0, cn: 0, k: 0, kn: 0, bad: 0 }; },
  codeChange(old) { return old; },
  handleCall(msg, s) {
    if (msg.op === 'get') return { reply: s, state: s };
    const bad = msg.k === s.k + 1 ? s.bad : s.bad + 1;
    return { reply: msg.k, state: { ...s, k: msg.k, kn: s.kn + 1, bad } };
  },
  handleCast(msg, s) {
    const bad = msg.c === s.c + 1 ? s.bad : s.bad + 1;
    return { ...s, c: msg.c, cn: s.cn + 1, bad };
  },
};`;
}

interface SequenceState {
  c: number;
  cn: number;
  k: number;
  kn: number;
  bad: number;
}

/** Runs the BEAM supervisor restart escript; samples in ms. */
function beamRestart(ctx: SuiteContext, count: number): Promise<number[]> {
  const script = join(ctx.benchDir, 'beam', 'supervisor_restart.escript');
  return new Promise((resolve, reject) => {
    execFile('escript', [script, String(count)], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err)
        return reject(
          new Error(`escript failed (is Erlang/OTP installed? apt-get install erlang-base): ${err.message} ${stderr}`),
        );
      const samples = stdout
        .trim()
        .split(',')
        .map((ns) => Number(ns) / 1e6);
      if (samples.length !== count || samples.some((v) => !Number.isFinite(v)))
        return reject(new Error(`escript printed no samples: ${stdout.slice(0, 200)}`));
      resolve(samples);
    });
  });
}

/** Sends sequential calls and casts to `id` until `stop()` is called; returns how many of each were sent. */
function load(
  client: SoloClient,
  id: string,
  msg: { call: (i: number) => Json; cast: (i: number) => Json },
): { stop(): Promise<{ calls: number; casts: number }> } {
  let running = true;
  let calls = 0;
  let casts = 0;
  const callLoop = (async () => {
    while (running) await client.call(id, msg.call(++calls));
  })();
  const castLoop = (async () => {
    while (running) await client.cast(id, msg.cast(++casts));
  })();
  return {
    async stop() {
      running = false;
      await Promise.all([callLoop, castLoop]);
      return { calls, casts };
    },
  };
}

/** The restart row, and the same two pipelined calls without a crash, sampled in alternation (same load). */
async function restartLatency(client: SoloClient, ctx: SuiteContext, count: number): Promise<{ restart: Measurement; plain: Measurement }> {
  const source = readFileSync(join(ctx.repoRoot, 'examples', 'crashy.ts'), 'utf8');
  // A generous intensity, so that a thousand deliberate crashes never fail the service, and no circuit breaker
  // (it would fail the calls fast after a few crashes; this row measures restarts).
  await client.deploy({ service_id: 'crashy', source, filename: 'crashy.ts', max_restarts: 1_000_000, max_seconds: 1, limits: { circuit_crashes: 0 } });
  const samples: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < count + 20; i++) {
    const p0 = performance.now();
    await Promise.all([client.call('crashy', { op: 'get' }), client.call('crashy', { op: 'get' })]);
    if (i >= 20) plain.push(performance.now() - p0);
    const t0 = performance.now();
    // Sent back to back on one connection: the second call waits in the mailbox while the actor restarts.
    const crash = client.call('crashy', { op: 'crash' }).then(
      () => Promise.reject(new Error('the crash call did not crash')),
      () => undefined,
    );
    const next = client.call('crashy', { op: 'get' });
    await crash;
    const reply = (await next).reply as { calls: number };
    if (reply.calls !== 1)
      throw new Error(`the call after a crash was answered by the old incarnation (calls ${reply.calls})`);
    if (i >= 20) samples.push(performance.now() - t0);
  }
  const st = await client.status('crashy');
  if (st.restarts !== count + 20) throw new Error(`expected ${count + 20} restarts, status says ${st.restarts}`);
  return { restart: latencyFromSamples(samples), plain: latencyFromSamples(plain) };
}

async function swapUnderLoad(
  client: SoloClient,
  ctx: SuiteContext,
  swaps: number,
): Promise<{ latency: Measurement; switchMs: Measurement }> {
  const v1 = readFileSync(join(ctx.repoRoot, 'examples', 'counter.ts'), 'utf8');
  const v2 = readFileSync(join(ctx.repoRoot, 'examples', 'counter-v2.ts'), 'utf8');
  await client.deploy({ service_id: 'sw', source: v1, filename: 'counter.ts' });
  const traffic = load(client, 'sw', { call: () => ({ op: 'inc' }), cast: () => ({ op: 'inc' }) });
  const latency: number[] = [];
  const switches: number[] = [];
  try {
    for (let i = 0; i < swaps; i++) {
      const source = i % 2 === 0 ? v2 : v1;
      const t0 = performance.now();
      const r = await client.swap({
        service_id: 'sw',
        source,
        filename: i % 2 === 0 ? 'counter-v2.ts' : 'counter.ts',
        rollback_window_ms: 0,
      });
      latency.push(performance.now() - t0);
      switches.push(r.switch_ms);
    }
  } finally {
    await traffic.stop();
  }
  return { latency: latencyFromSamples(latency), switchMs: latencyFromSamples(switches) };
}

async function lostOrReordered(client: SoloClient, swaps: number): Promise<{ value: number; note: string }> {
  await client.deploy({ service_id: 'seq', source: sequenceSource('1.0.0'), filename: 'seq.ts' });
  const traffic = load(client, 'seq', { call: (k) => ({ k }), cast: (c) => ({ c }) });
  let sent: { calls: number; casts: number };
  try {
    for (let i = 0; i < swaps; i++)
      await client.swap({
        service_id: 'seq',
        source: sequenceSource(`${i + 2}.0.0`),
        filename: 'seq.ts',
        rollback_window_ms: 0,
      });
  } finally {
    sent = await traffic.stop();
  }
  let s: SequenceState = (await client.call('seq', { op: 'get' })).reply as unknown as SequenceState;
  const until = performance.now() + 60_000;
  while (s.cn < sent.casts && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    s = (await client.call('seq', { op: 'get' })).reply as unknown as SequenceState;
  }
  const lost = sent.casts - s.cn + (sent.calls - s.kn);
  return {
    value: Math.abs(lost) + s.bad,
    note: `${sent.casts} casts and ${sent.calls} calls sent during ${swaps} swaps; handled ${s.cn} + ${s.kn}, ${s.bad} out of order`,
  };
}

export const supervisionSuite: Suite = {
  name: 'supervision',
  plan: () => [
    { measure: M.beam },
    { measure: M.restart, target: { unit: 'ms', checks: [{ stat: 'p50', max: 5 }] } },
    { measure: M.swap, target: { unit: 'ms', checks: [{ stat: 'p50', max: 20 }] } },
    { measure: M.lost, target: { unit: 'count', checks: [{ stat: 'value', max: 0 }] } },
  ],
  async run(ctx, emit) {
    const beam = latencyFromSamples(await beamRestart(ctx, ctx.pick(2000, 20)));
    emit({ measure: M.beam, result: beam });
    const node = await ctx.startNode('supervision');
    await node.benchTenant(TENANT);
    const client = await connectSolo({ natsUrl: node.info.nats_url, tenant: TENANT, credentials: node.credentials });
    try {
      const { restart, plain } = await restartLatency(client, ctx, ctx.pick(300, 5));
      emit({
        measure: M.restart,
        result: restart,
        baseline: baselineRef('BEAM supervisor restart, same run', beam),
        note: `includes the two sdk calls over NATS (the crash, then the call the new incarnation answers) and a fresh isolate + init; the same two calls without a crash, in alternation: p50 ${plain.p50?.toFixed(2)} ms, p99 ${plain.p99?.toFixed(2)} ms; BEAM restarts a process inside one VM`,
      });
      const swaps = ctx.pick(100, 3);
      const swap = await swapUnderLoad(client, ctx, swaps);
      emit({
        measure: M.swap,
        result: swap.latency,
        note: `${swaps} swaps alternating examples/counter.ts and counter-v2.ts while calls and casts flow; compile + isolate start + codeChange + event + switch; mailbox held p50 ${swap.switchMs.p50?.toFixed(2)} ms, p99 ${swap.switchMs.p99?.toFixed(2)} ms`,
      });
      const lost = await lostOrReordered(client, swaps);
      emit({ measure: M.lost, result: singleValue('count', lost.value, { samples: swaps }), note: lost.note });
    } finally {
      await client.close();
    }
  },
};
