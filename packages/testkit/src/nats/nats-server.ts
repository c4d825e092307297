// Starts a real `nats-server -js` on a free loopback port with its own temp store, for one test file.
// It never touches the default port or a server that is already running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from '../free-port.ts';

export interface TestNatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly storeDir: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its store unless `keepStore`. */
  stop(opts?: { keepStore?: boolean }): Promise<void>;
  /** kill -9 the server, keeping its store, for crash tests. */
  kill9(): Promise<void>;
  /** Starts a new server process on the same port and store (after kill9 or stop({keepStore:true})). */
  restart(): Promise<void>;
}

export interface StartNatsOptions {
  /** Extra lines appended to the generated config file. */
  extraConfig?: string;
}

/** Path of the nats-server binary: `$NATS_SERVER_BIN`, then PATH, then Debian's /usr/sbin. */
export function natsServerBin(): string {
  if (process.env['NATS_SERVER_BIN']) return process.env['NATS_SERVER_BIN'];
  const which = spawnSync('sh', ['-c', 'command -v nats-server || ls /usr/sbin/nats-server'], { encoding: 'utf8' });
  const found = which.stdout.trim().split('\n')[0];
  if (!found) {
    throw new Error('nats-server is not installed. Install it with `apt-get install nats-server` (or run scripts/bootstrap.sh).');
  }
  return found;
}

async function waitReady(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let lastErr: unknown;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode} before it was ready`);
    try {
      const nc = await connect({ servers: url, timeout: 500, reconnect: false });
      const jsm = await nc.jetstreamManager();
      await jsm.getAccountInfo();
      await nc.close();
      return;
    } catch (err) {
      lastErr = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nats-server at ${url} not ready after ${deadlineMs} ms: ${String(lastErr)}`);
}

/** Starts `nats-server -js` on a free port of 127.0.0.1 with a temp store dir. */
export async function startNatsServer(opts: StartNatsOptions = {}): Promise<TestNatsServer> {
  const bin = natsServerBin();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'solo-nats-'));
  const conf = join(storeDir, 'nats.conf');
  writeFileSync(
    conf,
    [
      `listen: 127.0.0.1:${port}`,
      'jetstream {',
      `  store_dir: "${join(storeDir, 'js')}"`,
      '  max_memory_store: 256MB',
      '  max_file_store: 4GB',
      '}',
      'max_payload: 8MB',
      opts.extraConfig ?? '',
    ].join('\n'),
  );
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'ignore'] });
    await waitReady(`nats://127.0.0.1:${port}`, child, 10_000);
  };
  const stopChild = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  await launch();
  const server: TestNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    storeDir,
    async stop(o = {}) {
      await stopChild('SIGTERM');
      if (!o.keepStore) rmSync(storeDir, { recursive: true, force: true });
    },
    async kill9() {
      await stopChild('SIGKILL');
    },
    async restart() {
      await launch();
    },
  };
  return server;
}
