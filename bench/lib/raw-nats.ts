// The raw NATS fixture for baselines: its own nats-server (same binary and loopback as the node's embedded
// one, via testkit) and an echo responder in a separate child process. Started once per run, lazily.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, type NatsConnection } from 'nats';
import { startNatsServer } from '@solo/testkit';
import type { ProcessRegistry } from './processes.ts';

/** Subjects of the raw baselines; not Solo subjects, so they are not built by @solo/protocol. */
export const RAW_SUBJECTS = { echo: 'bench.raw.echo', sized: 'bench.raw.sized', jetstream: 'bench.raw.js' } as const;

/** A running raw NATS fixture. */
export interface RawNats {
  readonly url: string;
  /** The bench's (the requester's) connection. */
  readonly nc: NatsConnection;
  /** A request to the responder process that echoes `payload`. */
  echo(payload: Uint8Array): Promise<Uint8Array>;
  /** A request whose reply is `bytes` long, to compare with a Solo reply of the same size. */
  sized(bytes: number): Promise<Uint8Array>;
  stop(): Promise<void>;
}

/** Starts nats-server and the responder; every PID goes through `registry`. */
export async function startRawNats(opts: { benchDir: string; registry: ProcessRegistry }): Promise<RawNats> {
  const server = await startNatsServer();
  opts.registry.track(server.pid, 'raw nats-server');
  let responderPid: number | null = null;
  let nc: NatsConnection | null = null;
  const stop = async (): Promise<void> => {
    await nc?.close();
    if (responderPid !== null) await opts.registry.stop(responderPid, { graceMs: 3000 });
    await server.stop();
    opts.registry.untrack(server.pid);
  };
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(opts.benchDir, 'children', 'echo-responder.ts'), server.url, RAW_SUBJECTS.echo, RAW_SUBJECTS.sized], {
      cwd: opts.benchDir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    if (child.pid === undefined) throw new Error('could not spawn the echo responder');
    responderPid = child.pid;
    opts.registry.track(child.pid, 'raw nats echo responder');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('echo responder not ready within 30 s')), 30_000);
      child.once('exit', (code) => reject(new Error(`echo responder exited (${code}) before it was ready`)));
      createInterface({ input: child.stdout }).once('line', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const conn = await connect({ servers: server.url, name: 'bench-requester' });
    nc = conn;
    const encoder = new TextEncoder();
    return {
      url: server.url,
      nc: conn,
      echo: async (payload) => (await conn.request(RAW_SUBJECTS.echo, payload, { timeout: 5000 })).data,
      sized: async (bytes) => (await conn.request(RAW_SUBJECTS.sized, encoder.encode(String(bytes)), { timeout: 5000 })).data,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
