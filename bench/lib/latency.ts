// Latency distributions: tinybench for repeated operations, a plain hrtime loop where tinybench does not
// fit (operations that must not be warmed up or repeated freely, such as deploying under fresh ids).
import { Bench } from 'tinybench';
import { latencyFromSamples, type Measurement } from './measurement.ts';

/** How long and how often to run one tinybench task. */
export interface LatencyPlan {
  /** Minimum measuring time in ms. */
  timeMs: number;
  /** Minimum number of measured runs. */
  iterations: number;
  /** Warmup runs before measuring (0 disables warmup). */
  warmupIterations: number;
  /** Operations done by one run of `fn`; the stats are divided by it (for sub-µs operations). @default 1 */
  opsPerRun?: number;
}

/** The plan of a --quick run: a handful of runs, no time budget, so only "did it produce a number". */
export const QUICK_PLAN: LatencyPlan = { timeMs: 0, iterations: 3, warmupIterations: 0 };

/** Runs `fn` under tinybench and returns p50/p99 per operation. @throws the task's error */
export async function tinybenchLatency(name: string, fn: () => unknown, plan: LatencyPlan): Promise<Measurement> {
  const samples = await tinybenchSamples(name, fn, plan);
  const meanMs = samples.reduce((sum, v) => sum + v, 0) / samples.length;
  return latencyFromSamples(samples, { perSecond: 1000 / meanMs });
}

/** The latency samples (ms per operation) of one tinybench task. */
async function tinybenchSamples(name: string, fn: () => unknown, plan: LatencyPlan): Promise<number[]> {
  const bench = new Bench({
    name,
    time: plan.timeMs,
    iterations: plan.iterations,
    warmup: plan.warmupIterations > 0,
    warmupIterations: plan.warmupIterations,
    warmupTime: 0,
    throws: true,
  });
  bench.add(name, fn);
  await bench.run();
  const result = bench.getTask(name)?.result;
  if (!result) throw new Error(`tinybench produced no result for '${name}'`);
  if (result.error) throw result.error;
  const ops = plan.opsPerRun ?? 1;
  return result.latency.samples.map((s) => s / ops);
}

/**
 * Measures `a` and `b` in alternating rounds and pools each one's samples, so that both see the same
 * background load: on a shared machine a ratio of two numbers taken seconds apart is mostly noise.
 */
export async function pairedLatency(a: { name: string; fn: () => unknown }, b: { name: string; fn: () => unknown }, plan: LatencyPlan & { rounds: number }): Promise<[Measurement, Measurement]> {
  const per: LatencyPlan = { ...plan, timeMs: plan.timeMs / plan.rounds, iterations: Math.ceil(plan.iterations / plan.rounds) };
  const pooled: [number[], number[]] = [[], []];
  for (let round = 0; round < plan.rounds; round++) {
    const warm = round === 0 ? per : { ...per, warmupIterations: 0 };
    for (const [i, task] of [a, b].entries()) {
      const m = await tinybenchSamples(task.name, task.fn, warm);
      for (const v of m) pooled[i]?.push(v); // not push(...m): fast operations give more samples than a call may take arguments
    }
  }
  return [latencyFromSamples(pooled[0]), latencyFromSamples(pooled[1])];
}

/** Times `count` sequential calls of `fn(i)` with hrtime; each call is one sample. */
export async function sampleLoop(count: number, fn: (i: number) => Promise<unknown>): Promise<{ samplesMs: number[]; totalMs: number }> {
  const samplesMs: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samplesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { samplesMs, totalMs: Number(process.hrtime.bigint() - start) / 1e6 };
}
