// The machine a run measured on, recorded beside every table: results mean little without it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, release, totalmem, type } from 'node:os';
import { natsServerBin } from '@solo/testkit';

export interface MachineInfo {
  at: string;
  nproc: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  natsServer: string;
  isolatedVm: string;
  os: string;
  /** 1-minute load average when the run started: other work on the machine shows in the numbers. */
  loadAtStart: number;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m?.[1]?.trim() ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

function natsServerVersion(): string {
  try {
    const out = spawnSync(natsServerBin(), ['--version'], { encoding: 'utf8' });
    return out.stdout.trim() || 'nats-server (unknown version)';
  } catch {
    return 'nats-server (not found)';
  }
}

function isolatedVmVersion(): string {
  const pkg = createRequire(import.meta.url)('isolated-vm/package.json') as { version?: string };
  return pkg.version ?? 'unknown';
}

/** The 1-minute load average now. */
export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** Facts about this machine and toolchain, read now; `loadAtStart` from {@link currentLoad} at the start. */
export function machineInfo(opts: { loadAtStart: number }): MachineInfo {
  return {
    at: new Date().toISOString(),
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    natsServer: natsServerVersion(),
    isolatedVm: isolatedVmVersion(),
    os: `${type()} ${release()}`,
    loadAtStart: opts.loadAtStart,
  };
}
