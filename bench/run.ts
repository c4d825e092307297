// `pnpm bench [--quick] [--only a,b]`: runs every registered suite against real processes and prints one
// table; writes bench/results/latest.{json,md} (full) or quick.{json,md} (--quick). Exits 1 when a row has no number.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentLoad, machineInfo } from './lib/machine.ts';
import { startNodeProcess, type NodeProcess } from './lib/node-process.ts';
import { ProcessRegistry } from './lib/processes.ts';
import { startRawNats, type RawNats } from './lib/raw-nats.ts';
import { renderText, writeResults } from './lib/report.ts';
import { finishRow, missingRow, type BaselineRef, type Row, type RowInput } from './lib/row.ts';
import type { Suite, SuiteContext } from './lib/suite.ts';
import { SUITES } from './suites/index.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');

interface Args {
  quick: boolean;
  only: string[] | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: pnpm bench [--quick] [--only ${SUITES.map((s) => s.name).join(',')}]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument '${a}'; see --help`);
  }
  return args;
}

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

/** Set by SIGINT/SIGTERM: no suite or node starts after it. */
const interrupted = new AbortController();

async function runSuite(suite: Suite, shared: Omit<SuiteContext, 'startNode'>, registry: ProcessRegistry, quick: boolean): Promise<Row[]> {
  const nodes: NodeProcess[] = [];
  const ctx: SuiteContext = {
    ...shared,
    startNode: async (label, opts) => {
      if (interrupted.signal.aborted) throw new Error('interrupted: not starting a node');
      const node = await startNodeProcess({
        repoRoot,
        registry,
        label: `${suite.name}-${label}`,
        ...(opts?.dataDir ? { dataDir: opts.dataDir } : {}),
        ...(opts?.sandbox ? { sandbox: opts.sandbox } : {}),
      });
      nodes.push(node);
      return node;
    },
  };
  const planned = suite.plan(ctx);
  const emitted = new Map<string, RowInput>();
  let failure: string | null = null;
  const t0 = performance.now();
  try {
    await suite.run(ctx, (row) => {
      emitted.set(row.measure, row);
      log(`${suite.name}: ${row.measure} done`);
    });
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    log(`${suite.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    for (const node of nodes.reverse()) {
      const s0 = performance.now();
      await node.stop().catch((err: unknown) => log(`stopping a node failed: ${String(err)}`));
      log(`${suite.name}: node stopped (SIGTERM to gone) in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    }
  }
  log(`${suite.name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The table keeps one line per note: the failure's lines are joined and cut to a readable length.
  const detail = (failure ?? 'measure was not emitted').split('\n').map((l) => l.trim()).filter(Boolean).join(' / ');
  const reason = `suite failed: ${detail.length > 300 ? `${detail.slice(0, 300)}…` : detail}`;
  const rows = planned.map((p) => {
    const input = emitted.get(p.measure);
    emitted.delete(p.measure);
    return input ? finishRow(suite.name, { target: p.target, ...input }, { quick }) : missingRow(suite.name, p.measure, reason, p.target);
  });
  // A measure emitted without being planned still shows, so a typo cannot hide a number.
  for (const input of emitted.values()) rows.push(finishRow(suite.name, input, { quick }));
  return rows;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const loadAtStart = currentLoad();
  const registry = new ProcessRegistry();
  process.once('exit', () => registry.killAllSync());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping every started process`);
      interrupted.abort();
      void registry.stopAll().finally(() => process.exit(130));
    });
  }
  const baselines = new Map<string, BaselineRef>();
  let raw: Promise<RawNats> | null = null;
  const shared: Omit<SuiteContext, 'startNode'> = {
    quick: args.quick,
    repoRoot,
    benchDir,
    pick: (full, quick) => (args.quick ? quick : full),
    rawNats: () => (raw ??= startRawNats({ benchDir, registry })),
    setBaseline: (key, ref) => void baselines.set(key, ref),
    baseline: (key) => baselines.get(key) ?? null,
    log,
  };
  const suites = args.only ? SUITES.filter((s) => args.only?.includes(s.name)) : SUITES;
  const rows: Row[] = [];
  try {
    for (const suite of suites) {
      if (interrupted.signal.aborted) break;
      log(`suite ${suite.name}${args.quick ? ' (quick)' : ''}`);
      rows.push(...(await runSuite(suite, shared, registry, args.quick)));
    }
  } finally {
    if (raw) await (await (raw as Promise<RawNats>).catch(() => null))?.stop();
    await registry.stopAll();
  }
  const machine = machineInfo({ loadAtStart });
  const mode = args.quick ? 'quick' : 'full';
  process.stdout.write(`\n${renderText(rows)}\n\n${machine.nproc} × ${machine.cpuModel}, Node ${machine.node}, ${machine.natsServer}, load average ${loadAtStart} at the start\n`);
  writeResults(join(benchDir, 'results'), args.quick ? 'quick' : 'latest', { mode, machine, rows });
  const missing = rows.filter((r) => r.verdict === 'no number');
  if (missing.length > 0) log(`${missing.length} row(s) produced no number: ${missing.map((r) => r.measure).join('; ')}`);
  return missing.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
