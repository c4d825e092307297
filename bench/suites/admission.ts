// Admission control (issue #6) on kernels assembled in this process (own nats-server each, LMDB in a temp dir,
// isolates): the cost of limit accounting on a call round trip (accounting on vs off, paired), a quiet tenant's
// calls while another floods the node, and a memory bomb (time to a disposed isolate, peak RSS growth) in the
// kernel's process and in a sandbox host process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { connect } from 'nats';
import { IsolateSandbox, ProcessSandbox, type ActorSandbox } from '@solo/actor-core';
import { Kernel, type AdmissionOptions } from '@solo/kernel';
import { parseServiceId, parseTenantId, type Json, type ServiceId, type TenantId } from '@solo/protocol';
import { DeadLetters, EventLog, LocalStore, LogStream, MailboxStream, ensureStreams } from '@solo/store';
import { startNatsServer, waitFor } from '@solo/testkit';
import { latencyFromSamples, singleValue } from '../lib/measurement.ts';
import { baselineRef, type Suite } from '../lib/suite.ts';

const M = {
  overhead: 'call round trip via kernel.call (in-process, then one event-loop turn) with limit accounting and load shedding on, alternating call by call with them off',
  floodP99: 'quiet tenant call latency while another tenant floods the node (kernel.call, 8 requesters per 32 in flight, CPU per call)',
  floodFailures: 'quiet tenant calls that failed during the flood (%)',
  floodInfo: 'flood figures: calls of the flooding tenant refused with overloaded',
  bombTime: 'memory bomb (memory_mb 16): call start → isolate disposed (service_crashed reply)',
  bombRss: 'memory bomb: peak RSS growth of the node process during it',
  hostBombTime: 'memory bomb (memory_mb 16) in a sandbox host process (the default): call start → isolate disposed',
  hostBombRss: 'memory bomb in a sandbox host process: peak RSS growth of the host process during it',
} as const;

const BOMB_MB = 16;
const WORKER = `export default {
  init() { return { n: 0 }; },
  handleCall(msg, state) {
    if (msg && msg.op === 'bomb') { const hog = []; for (let i = 0; ; i++) hog.push(String(i).repeat(1024)); }
    if (msg && typeof msg.burnMs === 'number') { const t = Date.now(); while (Date.now() - t < msg.burnMs) {} }
    return { reply: state.n + 1, state: { n: state.n + 1 } };
  },
};`;

/** A kernel of its own (nats-server, streams, LMDB) in this process. */
async function startKernel(admission: AdmissionOptions, sandbox: ActorSandbox = new IsolateSandbox()): Promise<{ kernel: Kernel; stop(): Promise<void> }> {
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'solo-bench-admission-'));
  const nc = await connect({ servers: nats.url });
  const local = LocalStore.open(dir);
  let kernel: Kernel | undefined;
  const stop = async (): Promise<void> => {
    await kernel?.stop({ timeoutMs: 2000 });
    sandbox.close?.();
    await local.close();
    await nc.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ensureStreams(nc);
    const [events, mailbox, logs, deadLetters] = await Promise.all([EventLog.open(nc), MailboxStream.open(nc), LogStream.open(nc), DeadLetters.open(nc)]);
    kernel = Kernel.create({ nodeId: `bench${process.pid}${Math.floor(Math.random() * 1e6)}`, events, mailbox, logs, deadLetters, local, sandbox, version: 'bench', admission });
    await kernel.start();
    return { kernel, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function deploy(kernel: Kernel, tenant: TenantId, service: string, limits: Record<string, number> = {}): Promise<ServiceId> {
  const id = parseServiceId(service);
  // A roomy restart intensity: the memory bomb crashes its service on purpose, several times in a row.
  const supervision = { max_restarts: 1000, max_seconds: 1 };
  await kernel.deploy(tenant, { service: id, source: WORKER, filename: `${service}.js`, args: null, limits, restart: 'permanent', durable: false, supervision }, {});
  return id;
}

/**
 * The same call on two kernels, alternating call by call (each followed by one event-loop turn, as requests
 * arriving through a door are): drift of a shared machine hits both sides alike.
 */
async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, count: number, warmup: number): Promise<[number[], number[]]> {
  const out: [number[], number[]] = [[], []];
  for (let i = 0; i < warmup + count; i++) {
    for (const [side, fn] of [a, b].entries()) {
      const t0 = performance.now();
      await fn();
      await yieldToLoop();
      if (i >= warmup) out[side]?.push(performance.now() - t0);
    }
  }
  return out;
}

/** Peak resident memory of a process (VmHWM) in MiB; `resetPeak` starts a new peak from the current RSS. */
function peakRssMiB(pid: number | 'self' = 'self'): number {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
function rssMiB(pid: number | 'self' = 'self'): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
function resetPeak(pid: number | 'self' = 'self'): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** The memory bomb `runs` times: call → service_crashed (ms each) and the peak RSS growth (MiB) of `pid`. */
async function bombRuns(kernel: Kernel, runs: number, pid: () => number | 'self'): Promise<{ times: number[]; growth: number }> {
  const times: number[] = [];
  let growth = 0;
  const bombT = parseTenantId('bomber');
  const bomb = await deploy(kernel, bombT, 'bomb', { memory_mb: BOMB_MB, cpu_ms: 10_000, wall_ms: 20_000, circuit_crashes: 0 });
  for (let i = 0; i < runs; i++) {
    await waitFor(() => kernel.status(bombT, bomb).status === 'running', { timeoutMs: 10_000 });
    global.gc?.();
    const target = pid();
    const before = rssMiB(target);
    resetPeak(target);
    const t0 = performance.now();
    const crashed = await kernel.call(bombT, bomb, { op: 'bomb' }, { timeoutMs: 30_000 }).then(
      () => false,
      (err: { code?: string }) => err.code === 'service_crashed',
    );
    times.push(performance.now() - t0);
    if (!crashed) throw new Error('the memory bomb did not crash its service');
    growth = Math.max(growth, peakRssMiB(target) - before);
  }
  return { times, growth };
}

/** Sequential calls of `tenant`, yielding to the loop between them: latency samples (ms) and failures. */
async function trickle(kernel: Kernel, tenant: TenantId, service: ServiceId, count: number, untilMs: number): Promise<{ samples: number[]; failed: number }> {
  const samples: number[] = [];
  let failed = 0;
  while (samples.length + failed < count && Date.now() < untilMs) {
    const t0 = performance.now();
    try {
      await kernel.call(tenant, service, {}, { timeoutMs: 30_000 });
      samples.push(performance.now() - t0);
    } catch {
      failed++;
    }
    await yieldToLoop();
  }
  return { samples, failed };
}

export const admissionSuite: Suite = {
  name: 'admission',
  plan: () => [
    { measure: M.overhead, target: { unit: 'ms', checks: [{ stat: 'p50', maxTimesBaseline: 1.05 }] } },
    { measure: M.floodP99, target: { unit: 'ms', checks: [{ stat: 'p99', maxTimesBaseline: 5 }] } },
    { measure: M.floodFailures, target: { unit: 'count', checks: [{ stat: 'value', max: 1 }] } },
    { measure: M.floodInfo },
    { measure: M.bombTime, target: { unit: 'ms', checks: [{ stat: 'p99', max: 1000 }] } },
    { measure: M.bombRss, target: { unit: 'MiB', checks: [{ stat: 'value', max: BOMB_MB + 64 }] } },
    { measure: M.hostBombTime, target: { unit: 'ms', checks: [{ stat: 'p99', max: 1000 }] } },
    { measure: M.hostBombRss, target: { unit: 'MiB', checks: [{ stat: 'value', max: BOMB_MB + 64 }] } },
  ],
  async run(ctx, emit) {
    const on = await startKernel({});
    const off = await startKernel({ accounting: false });
    try {
      const t = parseTenantId('bench');
      const onId = await deploy(on.kernel, t, 'echo');
      const offId = await deploy(off.kernel, t, 'echo');
      const msg: Json = { op: 'get' };
      // Each sample gives the loop a turn: a loop of calls that never yields starves timers (the load signals
      // among them) and is no node's real traffic.
      const [withAccounting, without] = await interleaved(
        () => on.kernel.call(t, onId, msg, { timeoutMs: 5000 }),
        () => off.kernel.call(t, offId, msg, { timeoutMs: 5000 }),
        ctx.pick(40_000, 20),
        ctx.pick(4000, 5),
      );
      emit({ measure: M.overhead, result: latencyFromSamples(withAccounting), baseline: baselineRef('same call, accounting off (alternating)', latencyFromSamples(without)) });
    } finally {
      await off.stop();
    }

    try {
      const quiet = parseTenantId('quiet');
      const flooder = parseTenantId('flooder');
      const steady = await deploy(on.kernel, quiet, 'steady');
      const burner = await deploy(on.kernel, flooder, 'burner', { mailbox_len: 100_000 });
      const count = ctx.pick(300, 10);
      const unloaded = await trickle(on.kernel, quiet, steady, count, Date.now() + 30_000);
      let stop = false;
      let served = 0;
      let shed = 0;
      const requesters = Array.from({ length: ctx.pick(256, 32) }, async () => {
        while (!stop) {
          try {
            await on.kernel.call(flooder, burner, { burnMs: 1 }, { timeoutMs: 30_000 });
            served++;
          } catch {
            shed++;
          }
          await yieldToLoop();
        }
      });
      const loaded = await trickle(on.kernel, quiet, steady, count, Date.now() + ctx.pick(30_000, 5000));
      stop = true;
      await Promise.all(requesters);
      const total = loaded.samples.length + loaded.failed;
      const baseline = baselineRef('quiet tenant alone (same calls, no flood)', latencyFromSamples(unloaded.samples));
      const result = latencyFromSamples(loaded.samples);
      emit({ measure: M.floodP99, result, baseline, note: `${total} quiet calls; flooder ${served} served, ${shed} refused` });
      emit({ measure: M.floodFailures, result: singleValue('count', (100 * loaded.failed) / Math.max(1, total), { samples: total }) });
      emit({
        measure: M.floodInfo,
        result: singleValue('count', shed),
        note: `flooder: ${served} served, ${shed} refused; quiet: ${loaded.samples.length}/${total} ok, p99 ${result.p99?.toFixed(2)} ms vs ${baseline.measurement.p99?.toFixed(2)} ms alone`,
      });

      const inNode = await bombRuns(on.kernel, ctx.pick(5, 1), () => 'self');
      emit({ measure: M.bombTime, result: latencyFromSamples(inNode.times) });
      emit({ measure: M.bombRss, result: singleValue('MiB', inNode.growth), note: `limit memory_mb ${BOMB_MB}; target ≤ memory_mb + 64 MiB` });

      // The same bomb where services run by default: the kernel's process does not take the memory, the host does.
      const sandbox = new ProcessSandbox({ spareProcesses: 0 });
      const hosted = await startKernel({}, sandbox);
      try {
        const nodeBefore = rssMiB();
        resetPeak();
        const inHost = await bombRuns(hosted.kernel, ctx.pick(5, 1), () => sandbox.hostProcesses()[0]?.pid ?? 'self');
        emit({ measure: M.hostBombTime, result: latencyFromSamples(inHost.times) });
        emit({
          measure: M.hostBombRss,
          result: singleValue('MiB', inHost.growth),
          note: `limit memory_mb ${BOMB_MB}; target ≤ memory_mb + 64 MiB; the kernel's process grew ${Math.max(0, peakRssMiB() - nodeBefore).toFixed(1)} MiB meanwhile`,
        });
      } finally {
        await hosted.stop();
      }
    } finally {
      await on.stop();
    }
  },
};
