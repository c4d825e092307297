// The embedded nats-server of `solo up`: a child process on a free loopback port with its JetStream store
// and log file under the data dir. It dies with the node, even on kill -9 (parent-death signal via setpriv).
// It always authenticates: nats-server.conf includes the auth.conf of a NatsAuthority (static nkey users with
// allow-lists, no anonymous access), and reload() applies a rewritten auth.conf without a restart.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { SoloError } from '@solo/protocol';
import type { NatsAuthority } from './nats-authority.ts';
import { validateNatsConfig, waitUntilUserAccepted } from './nats-server-reload.ts';

/** Options of {@link startManagedNatsServer}. */
export interface ManagedNatsServerOptions {
  /** Directory for the store, config, log and ports file (created when missing). */
  dir: string;
  /**
   * The server's users. Its auth.conf is written at every (re)start and included by nats-server.conf, so a
   * server restarted after a crash enforces the same users. Required: the embedded server never runs open.
   */
  auth: NatsAuthority;
  /** How long reload() waits for the new auth.conf to be live. @default 5000 */
  reloadTimeoutMs?: number;
  /** nats-server binary. @default `$NATS_SERVER_BIN`, then `nats-server` on PATH, then /usr/sbin/nats-server */
  bin?: string;
  /** How long to wait for the server to accept connections. @default 15000 */
  readyTimeoutMs?: number;
  /**
   * Restart the server on the same port and store when it dies unexpectedly (kill -9, crash), so clients
   * reconnect to the same URL. @default true
   */
  restartOnCrash?: boolean;
  /** Told about each unexpected exit and whether a restart followed. */
  onCrash?: (info: { code: number | null; signal: string | null; restarted: boolean; error?: string }) => void;
}

/** A running embedded nats-server. */
export interface ManagedNatsServer {
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the server is gone for good: stopped, or crashed and could not be restarted. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (lame-duck shutdown flushes JetStream), SIGKILL after `graceMs` (default 5000). */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /**
   * Applies the auth.conf on disk (write it first with `auth.writeConfig()`) without a restart: validates the
   * config with `nats-server -t`, sends SIGHUP, then waits until a connection as the file's probe user is
   * accepted. Reloads run one at a time. What live connections see after a reload (checked on 2.9.10 with
   * nats.js 2.29): the server closes every connection of a removed or rotated-away user at once; nats.js then
   * reconnects with the old seed, is refused ("Authorization Violation") twice and closes for good with
   * `AUTHORIZATION_VIOLATION` (after about two `reconnectTimeWait`s, 4 s by default). A tightened allow-list
   * applies to live connections too: a subscription it no longer allows is cancelled with a permissions
   * violation, the connection stays up. Connections of unchanged users (the kernel's) are not touched.
   * @throws `unavailable` when the config is invalid (the server keeps running with its previous users), the
   * server is stopping or restarting, or the new users are not live within `reloadTimeoutMs`.
   */
  reload(): Promise<void>;
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

function pickFreePort(preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => (preferred !== 0 && err.code === 'EADDRINUSE' ? resolve(pickFreePort(0)) : reject(err)));
    srv.listen(preferred, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
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
  // Checked at run time too: a JavaScript caller without `auth` must not get an open server.
  if (!opts.auth || typeof opts.auth.writeConfig !== 'function') {
    throw new SoloError('invalid_request', 'startManagedNatsServer needs `auth`: open one with NatsAuthority.open(dir) and pass it; the embedded nats-server never runs without authentication.');
  }
  const auth = opts.auth;
  const bin = findBin(opts.bin);
  const dir = opts.dir;
  mkdirSync(join(dir, 'js'), { recursive: true });
  const conf = join(dir, 'nats-server.conf');
  const logFile = join(dir, 'nats-server.log');
  // A fixed port (free when chosen) rather than -1, so a restarted server is reachable at the same URL; the
  // port of the previous run is reused when it is still free, so agents that cached the URL find the node.
  const portFile = join(dir, 'port');
  let previous = 0;
  try {
    previous = Number.parseInt(readFileSync(portFile, 'utf8'), 10) || 0;
  } catch {
    // First start on this data dir.
  }
  const port = await pickFreePort(previous);
  writeFileSync(portFile, String(port));
  writeFileSync(
    conf,
    [
      '# Written by solo up on every start; edits are overwritten.',
      `listen: 127.0.0.1:${port}`,
      `ports_file_dir: "${dir}"`,
      `log_file: "${logFile}"`,
      'logtime: true',
      'max_payload: 8MB',
      // nats-server joins an include path to this file's directory even when it is absolute: keep it relative.
      `include "${relative(dir, auth.configFile)}"`,
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
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;

  const launch = async (): Promise<{ child: ChildProcess; url: string; stderr: () => string }> => {
    // Rendered from the authority on every (re)start, so a crash restart runs the current users even if the
    // file on disk was damaged after the last reload.
    auth.writeConfig();
    for (const f of readdirSync(dir)) if (f.endsWith('.ports')) rmSync(join(dir, f), { force: true });
    const child = spawn(cmd as string, args as string[], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    const spawned = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (!spawned || child.pid === undefined) throw new SoloError('unavailable', `Could not start ${bin}: ${stderr || 'spawn failed'}`);
    try {
      const url = await readPortsFile(dir, child.pid, child, Date.now() + readyTimeoutMs);
      return { child, url, stderr: () => stderr };
    } catch (err) {
      child.kill('SIGKILL');
      if (stderr) throw new SoloError('unavailable', `nats-server failed to start: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, { cause: err });
      throw err;
    }
  };

  let current = await launch();
  let stopping = false;
  let markExited: (code: number | null) => void = () => {};
  const exited = new Promise<number | null>((r) => (markExited = r));
  const watch = (c: ChildProcess): void => {
    c.once('exit', (code, signal) => {
      if (stopping) {
        markExited(code);
        return;
      }
      if (opts.restartOnCrash === false) {
        opts.onCrash?.({ code, signal, restarted: false });
        markExited(code);
        return;
      }
      void (async () => {
        // Restart with backoff; JetStream recovers its file store, clients reconnect to the same URL.
        for (let attempt = 1; attempt <= 5 && !stopping; attempt++) {
          try {
            await new Promise((r) => setTimeout(r, 100 * attempt));
            if (stopping) break;
            current = await launch();
            watch(current.child);
            opts.onCrash?.({ code, signal, restarted: true });
            return;
          } catch (err) {
            opts.onCrash?.({ code, signal, restarted: false, error: String(err) });
          }
        }
        markExited(code);
      })();
    });
  };
  watch(current.child);

  const stop = async (o: { graceMs?: number } = {}): Promise<void> => {
    stopping = true;
    const c = current.child;
    if (c.exitCode !== null || c.signalCode !== null) {
      markExited(c.exitCode);
      return;
    }
    const done = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), o.graceMs ?? 5000);
    await done;
    clearTimeout(t);
  };
  const reloadTimeoutMs = opts.reloadTimeoutMs ?? 5000;
  const reloadOnce = async (): Promise<void> => {
    const probe = auth.configProbe();
    if (stopping || !probe) throw new SoloError('unavailable', 'The embedded nats-server is stopping; nothing to reload. Start the node again.');
    await validateNatsConfig(bin, conf, { timeoutMs: 10_000 });
    const c = current.child;
    if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) {
      throw new SoloError('unavailable', 'The embedded nats-server is restarting after a crash; it starts with the current users. Retry the reload in a moment.');
    }
    // The same signal `nats-server --signal reload=<pid>` sends. setpriv execs nats-server, so the pid is the server's.
    try {
      process.kill(c.pid, 'SIGHUP');
    } catch (err) {
      throw new SoloError('unavailable', 'The embedded nats-server exited during the reload; it restarts with the current users. Retry the reload in a moment.', { cause: err });
    }
    if (!(await waitUntilUserAccepted(current.url, probe, Date.now() + reloadTimeoutMs))) {
      throw new SoloError('unavailable', `nats-server did not apply ${auth.configFile} within ${reloadTimeoutMs} ms. See ${logFile}, then call reload() again.`, {
        details: { conf, stage: 'apply', timeout_ms: reloadTimeoutMs },
      });
    }
  };
  let reloads: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    const next = reloads.then(reloadOnce);
    // The chain only orders reloads; each caller gets its own outcome.
    reloads = next.catch(() => undefined);
    return next;
  };
  return {
    url: current.url,
    get pid() {
      return current.child.pid ?? -1;
    },
    logFile,
    exited,
    stop,
    reload,
  };
}
