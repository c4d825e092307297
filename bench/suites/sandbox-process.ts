// Sandbox host processes (issue #6): what running isolates out of the kernel's process costs. A handler call
// through ProcessSandbox against the same call into an in-process IsolateSandbox (measured in alternating
// rounds, the same-run baseline), the start of a host process, a spawn into a running one, and resident memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsolateSandbox, ProcessSandbox, compileService, startIncarnation, type ActorHost, type SandboxedActor, type SpawnSpec } from '@solo/actor-core';
import type { Json } from '@solo/protocol';
import { QUICK_PLAN, pairedLatency, sampleLoop } from '../lib/latency.ts';
import { latencyFromSamples, singleValue } from '../lib/measurement.ts';
import { baselineRef, type Suite } from '../lib/suite.ts';

const M = {
  isolateCall: 'baseline: handleCall into an in-process isolate (IsolateSandbox, counter get)',
  processCall: 'call through a sandbox host process (ProcessSandbox handleCall, counter get)',
  processLogCall: 'call through a sandbox host process with one ctx.log (counter inc)',
  processStart: 'sandbox host process start (fork → ready: node, bundled host program, isolated-vm)',
  processSpawn: 'spawn + init of counter in a running sandbox host process',
  processRss: 'RSS of a sandbox host process with one actor',
  actorRss: 'RSS per idle actor in a sandbox host process',
} as const;

/** A host that accepts every ctx callback and does nothing. */
const nullHost: ActorHost = {
  log: () => undefined,
  call: async () => null,
  cast: async () => undefined,
  emit: () => undefined,
  setTimer: () => 't',
  cancelTimer: () => false,
  monitor: () => 'm',
  demonitor: () => false,
  link: () => undefined,
  unlink: () => undefined,
  secret: async () => '',
  exit: () => undefined,
};

function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

export const sandboxProcessSuite: Suite = {
  name: 'sandbox-process',
  plan: () => Object.values(M).map((measure) => ({ measure })),
  async run(ctx, emit) {
    const source = readFileSync(join(ctx.repoRoot, 'examples', 'counter.ts'), 'utf8');
    const { code } = await compileService(source, { filename: 'counter.ts' });
    const spec = (tenant: string, service = 'counter'): SpawnSpec => ({ tenant, service, code, limits: { memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 } });
    const get: Json = { op: 'get' };
    const inc: Json = { op: 'inc', by: 1 };
    const inProcess = new IsolateSandbox();
    const sandbox = new ProcessSandbox({ spareProcesses: 0, maxProcesses: 64 });
    const actors: SandboxedActor[] = [];
    try {
      const local = await startIncarnation(inProcess, spec('bench'), nullHost, null);
      const remote = await startIncarnation(sandbox, spec('bench'), nullHost, null);
      actors.push(local, remote);
      const plan = ctx.pick({ timeMs: 6000, iterations: 5000, warmupIterations: 200, rounds: 5 }, { ...QUICK_PLAN, rounds: 1 });
      const [viaProcess, inIsolate] = await pairedLatency({ name: M.processCall, fn: () => remote.handleCall(get) }, { name: M.isolateCall, fn: () => local.handleCall(get) }, plan);
      emit({ measure: M.isolateCall, result: inIsolate });
      emit({ measure: M.processCall, result: viaProcess, baseline: baselineRef('in-process isolate call, paired', inIsolate) });
      const [logViaProcess, logInIsolate] = await pairedLatency({ name: M.processLogCall, fn: () => remote.handleCall(inc) }, { name: 'in-process inc', fn: () => local.handleCall(inc) }, plan);
      emit({ measure: M.processLogCall, result: logViaProcess, baseline: baselineRef('in-process isolate call with ctx.log, paired', logInIsolate) });

      // Each new tenant starts a host process of its own (no spare: every start is measured).
      const starts: number[] = [];
      for (let i = 0; i < ctx.pick(5, 1); i++) {
        const tenant = `start-${i}`;
        actors.push(await startIncarnation(sandbox, spec(tenant), nullHost, null));
        const info = sandbox.hostProcesses().find((p) => p.tenants.includes(tenant));
        if (info) starts.push(info.startMs);
      }
      emit({ measure: M.processStart, result: latencyFromSamples(starts) });

      const spawnCount = ctx.pick(100, 3);
      const spawned = await sampleLoop(spawnCount, async (i) => actors.push(await startIncarnation(sandbox, spec('bench', `s${i}`), nullHost, null)));
      const localSpawns = await sampleLoop(spawnCount, async (i) => (await startIncarnation(inProcess, spec('bench', `l${i}`), nullHost, null)).dispose());
      emit({
        measure: M.processSpawn,
        result: latencyFromSamples(spawned.samplesMs),
        baseline: baselineRef('in-process spawn + init', latencyFromSamples(localSpawns.samplesMs)),
      });

      // A tenant of its own, so the other rows' actors do not count.
      actors.push(await startIncarnation(sandbox, spec('rss'), nullHost, null));
      const pid = sandbox.hostProcesses().find((p) => p.tenants.includes('rss'))?.pid;
      if (pid === undefined) throw new Error('the rss tenant has no host process');
      const before = rssMiB(pid);
      emit({ measure: M.processRss, result: singleValue('MiB', before) });
      const count = ctx.pick(200, 5);
      for (let i = 0; i < count; i++) actors.push(await startIncarnation(sandbox, spec('rss', `idle${i}`), nullHost, null));
      emit({ measure: M.actorRss, result: singleValue('MiB', (rssMiB(pid) - before) / count, { samples: count }), note: `${count} idle counters` });
    } finally {
      for (const a of actors) a.dispose();
      sandbox.close();
      inProcess.close();
    }
  },
};
