// The embedded nats-server of `solo up`: a child process on a free loopback port with its JetStream store
// and log file under the data dir. It dies with the node, even on kill -9 (parent-death signal via setpriv).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SoloError } from '@solo/protocol';

/** Options of {@link startManagedNatsServer}. */
export interface ManagedNatsServerOptions {
  /** Directory for the store, config, log and ports file (created when missing). */
  dir: string;
  /** nats-server binary. @default `$NATS_SERVER_BIN`, then `nats-server` on PATH, then /usr/sbin/nats-server */
  bin?: string;
  /** How long to wait for the server to accept connections. @default 15000 */
  readyTimeoutMs?: number;
}

/** A running embedded nats-server. */
export interface ManagedNatsServer {
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process exits, whatever the reason. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (lame-duck shutdown flushes JetStream), SIGKILL after `graceMs` (default 5000). */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

function findBin(explicit: string | undefined): string {
  const candidates = [explicit, process.env['NATS_SERVER_BIN']].filter((c): c is string => Boolean(c));
  for (const c of candidates) if (existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  if (onPath) return onPath;
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  throw new SoloError(
    'unavailable',
    'nats-server is not installed. Run `bash scripts/bootstrap.sh` (or `apt-get install nats-server`), or pass `--nats <url>` to use an existing server.',
  );
}

function hasSetpriv(): boolean {
  return spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim() !== '';
}

async function readPortsFile(dir: string, pid: number, child: ChildProcess, deadline: number): Promise<string> {
  // nats-server writes <dir>/nats-server_<pid>.ports once it listens; with listen port -1 it picks a free one.
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new SoloError('unavailable', `nats-server exited (code ${child.exitCode ?? child.signalCode}) before it was ready. See ${join(dir, 'nats-server.log')}.`);
    }
    const file = readdirSync(dir).find((f) => f.endsWith(`_${pid}.ports`));
    if (file) {
      try {
        const ports = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nats?: string[] };
        const url = ports.nats?.[0];
        if (url) return url;
      } catch {
        // The file is written non-atomically: a partial read is retried on the next tick.
      }
    }
    if (Date.now() > deadline) throw new SoloError('unavailable', `nats-server did not report its port in time. See ${join(dir, 'nats-server.log')}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `nats-server -js` for this node and waits until it accepts connections. */
export async function startManagedNatsServer(opts: ManagedNatsServerOptions): Promise<ManagedNatsServer> {
  const bin = findBin(opts.bin);
  const dir = opts.dir;
  mkdirSync(join(dir, 'js'), { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.ports')) rmSync(join(dir, f), { force: true });
  const conf = join(dir, 'nats-server.conf');
  const logFile = join(dir, 'nats-server.log');
  writeFileSync(
    conf,
    [
      '# Written by solo up on every start; edits are overwritten.',
      'listen: 127.0.0.1:-1',
      `ports_file_dir: "${dir}"`,
      `log_file: "${logFile}"`,
      'logtime: true',
      'max_payload: 8MB',
      'jetstream {',
      `  store_dir: "${join(dir, 'js')}"`,
      '  max_memory_store: 256MB',
      '}',
      '',
    ].join('\n'),
  );
  // setpriv --pdeathsig makes the kernel deliver SIGTERM to nats-server when the node dies, even by SIGKILL,
  // so no orphan keeps the store locked. Without setpriv the node's own exit handlers are the only guard.
  const [cmd, args] = hasSetpriv() ? ['setpriv', ['--pdeathsig', 'TERM', '--', bin, '-c', conf]] : [bin, ['-c', conf]];
  const child = spawn(cmd as string, args as string[], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  if (!spawned || child.pid === undefined) throw new SoloError('unavailable', `Could not start ${bin}: ${stderr || 'spawn failed'}`);
  const pid = child.pid;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  let url: string;
  try {
    url = await readPortsFile(dir, pid, child, deadline);
  } catch (err) {
    child.kill('SIGKILL');
    if (stderr) throw new SoloError('unavailable', `nats-server failed to start: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, { cause: err });
    throw err;
  }
  const stop = async (o: { graceMs?: number } = {}): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), o.graceMs ?? 5000);
    await exited;
    clearTimeout(t);
  };
  return { url, pid, logFile, exited, stop };
}
