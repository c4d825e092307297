// The node under test: `solo up --data-dir <tmp> --json` as a child process (embedded nats-server), ready
// once it prints its NodeInfo line on stdout. stop() ends the node and then its nats-server, by PID.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connectSoloAdmin, isNodeInfo, type NodeInfo } from '@solo/sdk';
import { NatsAuthority, natsAuthOptions } from '@solo/kernel';
import { ADMIN_TOKEN_FILE, OPERATOR_CREDENTIALS_FILE } from '@solo/protocol';
import { isAlive, type ProcessRegistry } from './processes.ts';

/** A node started for a suite. */
export interface NodeProcess {
  readonly info: NodeInfo;
  readonly dataDir: string;
  /** Path of the operator's credentials (admin token + NATS user) the node wrote: `connectSolo({ credentials })`. */
  readonly credentials: string;
  /** The operator's admin token (for the REST and gRPC doors). */
  adminToken(): string;
  /**
   * Creates `tenant` with limits a benchmark needs (thousands of services; the defaults allow 100). The
   * operator's token is not held to tenant rates. Idempotent.
   */
  benchTenant(tenant: string): Promise<void>;
  /** Connect options of the node's own NATS user (every permission), for raw stream access. */
  kernelAuth(): ReturnType<typeof natsAuthOptions>;
  /** The PIDs that make up the node: its own and its nats-server's (descendants are found from these). */
  rootPids(): number[];
  /** SIGTERM the node (graceful drain), then make sure its nats-server is gone; removes the data dir. */
  stop(): Promise<void>;
  /** SIGKILL the node and wait until its nats-server is gone too; keeps the data dir for a restart on it. */
  kill9(): Promise<void>;
}


function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts a node through the CLI and waits for its JSON line. @throws when it exits or times out first */
export async function startNodeProcess(opts: {
  repoRoot: string;
  registry: ProcessRegistry;
  label: string;
  readyTimeoutMs?: number;
  dataDir?: string;
  /** `solo up --sandbox`; @default the node's default (sandbox host processes) */
  sandbox?: 'process' | 'isolate';
}): Promise<NodeProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `solo-bench-${opts.label}-`));
  const logPath = join(dataDir, `node-stderr-${opts.label}.log`);
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'packages/cli/src/main.ts', 'up', '--data-dir', dataDir, '--json', ...(opts.sandbox ? ['--sandbox', opts.sandbox] : [])], {
    cwd: opts.repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (child.pid === undefined) throw new Error('could not spawn the node process');
  const pid = child.pid;
  opts.registry.track(pid, `node ${opts.label}`);
  const stderr = createWriteStream(logPath);
  child.stderr.pipe(stderr);
  const lines = createInterface({ input: child.stdout });
  const stdoutSeen: string[] = [];
  const removeDir = opts.registry.addCleanup(() => rmSync(dataDir, { recursive: true, force: true })).run;

  let natsPid: number | null = null;
  const end = async (): Promise<void> => {
    await opts.registry.stop(pid, { graceMs: 20_000 });
    // The node stops its nats-server itself; this only catches one left behind by a crash or a timeout.
    if (natsPid !== null) await opts.registry.stop(natsPid, { graceMs: 5000 });
    await new Promise<void>((r) => stderr.end(r));
  };
  const stop = async (): Promise<void> => {
    await end();
    removeDir();
  };
  const kill9 = async (): Promise<void> => {
    process.kill(pid, 'SIGKILL');
    // The embedded nats-server follows its parent (parent-death signal); wait for both, by PID.
    await opts.registry.stop(pid, { graceMs: 10_000 });
    if (natsPid !== null) await opts.registry.stop(natsPid, { graceMs: 10_000 });
  };

  try {
    const info = await new Promise<NodeInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node did not print its JSON line within ${opts.readyTimeoutMs ?? 60_000} ms`)), opts.readyTimeoutMs ?? 60_000);
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`node exited (${code ?? sig}) before it was ready`));
      });
      lines.on('line', (line) => {
        stdoutSeen.push(line);
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return;
        }
        if (!isNodeInfo(parsed)) return;
        clearTimeout(timer);
        resolve(parsed);
      });
    });
    natsPid = info.nats_pid;
    if (natsPid !== null) opts.registry.track(natsPid, `nats-server of node ${opts.label}`);
    if (info.pid !== pid) opts.registry.track(info.pid, `node ${opts.label} (reported pid)`);
    let adminToken: string | undefined;
    return {
      info,
      dataDir,
      credentials: join(dataDir, OPERATOR_CREDENTIALS_FILE),
      adminToken: () => (adminToken ??= readFileSync(join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim()),
      benchTenant: async (tenant: string) => {
        const admin = await connectSoloAdmin({ natsUrl: info.nats_url, credentials: join(dataDir, OPERATOR_CREDENTIALS_FILE) });
        try {
          await admin.createTenant(tenant, { max_services: 100_000, max_memory_mb: 1_048_576 });
        } catch (err) {
          if ((err as { code?: string }).code !== 'already_exists') throw err;
        } finally {
          await admin.close();
        }
      },
      kernelAuth: () => natsAuthOptions(NatsAuthority.open(join(dataDir, 'nats')).kernel),
      rootPids: () => [pid, ...(natsPid !== null && isAlive(natsPid) ? [natsPid] : [])],
      stop,
      kill9,
    };
  } catch (err) {
    await end();
    const why = [tail(logPath, 15), stdoutSeen.slice(-5).join('\n')].filter((s) => s !== '').join('\n');
    removeDir();
    throw new Error(`${(err as Error).message}${why ? `:\n${why}` : ''}`, { cause: err });
  }
}
