// The node the escape suite runs its hostile services against: a real node (node-main.ts) in a child process,
// tracked by PID. The suite talks to it over NATS with the node's own NATS user and the admin token of its data
// dir, reads its RSS from /proc, and notices when it died: a service that kills its node is a finding to report,
// and must not take the test runner (and every later case's result) down with it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, headers, type NatsConnection } from 'nats';
import type { SandboxKind } from '@solo/gateway';
import { NatsAuthority, natsAuthOptions } from '@solo/kernel';
import {
  ADMIN_TOKEN_FILE,
  HEADERS,
  adminApiSubject,
  tenantApiSubject,
  type NodeInfo,
  type TenantId,
} from '@solo/protocol';
import { createTempDir, waitFor } from '@solo/testkit';
import type { Answer } from './escape-case.ts';

const ENTRY = fileURLToPath(new URL('./node-main.ts', import.meta.url));
const READY = 'ESCAPE_NODE_READY ';
const enc = new TextEncoder();
const dec = new TextDecoder();

/** How the node process ended. */
export interface NodeDeath {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines it wrote (V8 writes its fatal out-of-memory report to stdout, other fatal errors to stderr). */
  outputTail: string;
}

/** A running node process and the suite's door to it. */
export interface EscapeNode {
  readonly info: NodeInfo;
  readonly sandbox: SandboxKind;
  /** A tenant API request (`solo.t.<tenant>.api.<verb>`) with `token`. @throws when the node does not answer. */
  api(tenant: string, verb: string, body: unknown, token: string): Promise<Answer>;
  /** An operator request (`solo.admin.api.<verb>`) with the admin token. */
  admin(verb: string, body: unknown): Promise<Answer>;
  /** Resident memory of the node process now (null once it is gone). */
  rssBytes(): number | null;
  /** Resident memory of its embedded nats-server now. */
  natsRssBytes(): number | null;
  /** How the node process ended, or null while it runs. */
  death(): NodeDeath | null;
  /** Stops the node (SIGTERM, then SIGKILL), its nats-server if it outlived the node, and removes its data dir. */
  close(): Promise<void>;
}

/** Resident memory of `pid` from /proc, or null when it is gone. */
export function rssOfPid(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a node with `sandbox` in a fresh temp data dir and resolves once it serves. */
export async function startEscapeNode(opts: { sandbox: SandboxKind }): Promise<EscapeNode> {
  const dir = createTempDir('solo-escape-');
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', '--import', import.meta.resolve('tsx'), ENTRY, dir.path, opts.sandbox],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the escape suite node');
  let stdout = '';
  let stderr = '';
  let death: NodeDeath | null = null;
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout = (stdout + s).slice(-8000)));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-8000)));
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      const tail = (text: string): string =>
        text
          .split('\n')
          .filter((l) => l.trim() !== '' && !l.startsWith(READY))
          .slice(-8)
          .join('\n');
      death = { code, signal, outputTail: `${tail(stdout)}\n${tail(stderr)}`.trim() };
      resolve();
    });
  });
  let info: NodeInfo;
  try {
    await waitFor(() => stdout.includes('\n') || death !== null, {
      timeoutMs: 60_000,
      message: 'the escape suite node did not start',
    });
    const line = stdout.split('\n').find((l) => l.startsWith(READY));
    if (line === undefined)
      throw new Error(`the escape suite node did not start: ${JSON.stringify(death)} ${stdout} ${stderr}`);
    info = JSON.parse(line.slice(READY.length)) as NodeInfo;
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    dir.remove();
    throw err;
  }
  const adminToken = readFileSync(join(dir.path, ADMIN_TOKEN_FILE), 'utf8').trim();
  const kernelUser = NatsAuthority.open(join(dir.path, 'nats')).kernel;
  const nc: NatsConnection = await connect({
    servers: info.nats_url,
    maxReconnectAttempts: 0,
    ...natsAuthOptions(kernelUser),
  });
  const request = async (subject: string, body: unknown, token: string): Promise<Answer> => {
    const h = headers();
    h.set(HEADERS.token, token);
    const m = await nc.request(subject, enc.encode(JSON.stringify(body)), { timeout: 15_000, headers: h });
    return JSON.parse(dec.decode(m.data)) as Answer;
  };
  return {
    info,
    sandbox: opts.sandbox,
    api: (tenant, verb, body, token) => request(tenantApiSubject(tenant as TenantId, verb), body, token),
    admin: (verb, body) => request(adminApiSubject(verb), body, adminToken),
    rssBytes: () => (death === null ? rssOfPid(pid) : null),
    natsRssBytes: () => rssOfPid(info.nats_pid),
    death: () => death,
    async close() {
      await nc.close().catch(() => undefined);
      if (death === null) {
        child.kill('SIGTERM');
        const stopped = await Promise.race([
          exited.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 20_000)),
        ]);
        if (!stopped) child.kill('SIGKILL');
        await exited;
      }
      // A node that died abnormally may leave its nats-server behind.
      const natsPid = info.nats_pid;
      if (natsPid !== null && alive(natsPid)) {
        process.kill(natsPid, 'SIGKILL');
        await waitFor(() => !alive(natsPid), { timeoutMs: 10_000 });
      }
      dir.remove();
    },
  };
}
