// Test helper: a Solo node as a child process of the test (`solo up --json`), so crash tests can kill -9 it,
// plus raw admin requests and a durable test service. Every process is ended by PID.
import { NatsAuthority, natsAuthOptions } from '@solo/kernel';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, headers, type NatsConnection } from 'nats';
import { ADMIN_TOKEN_FILE, HEADERS, adminApiSubject, mailboxConsumerName, mailboxStream, type NodeInfo } from '@solo/protocol';
import { waitFor } from '@solo/testkit';
import { startCli, type RunningCli } from './run-cli.ts';

/** A node process started by {@link startNodeProcess}. */
export interface NodeProcess {
  readonly info: NodeInfo;
  readonly cli: RunningCli;
  kill9(): Promise<void>;
  term(): Promise<number | null>;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `solo up --data-dir <dir> --json` and resolves once it printed its NodeInfo (recovery done). */
export async function startNodeProcess(dataDir: string, extra: string[] = []): Promise<NodeProcess> {
  const cli = startCli(['up', '--data-dir', dataDir, '--json', ...extra], { timeoutMs: 900_000 });
  await cli.waitForStdout(/\}\s*$/, 60_000);
  const info = JSON.parse(cli.stdout()) as NodeInfo;
  return {
    info,
    cli,
    async kill9() {
      cli.signal('SIGKILL');
      await cli.exited;
      // The embedded nats-server dies with the node (parent-death signal); wait so the next start finds the store free.
      if (info.nats_pid) await waitFor(() => !alive(info.nats_pid as number), { timeoutMs: 10_000 });
    },
    async term() {
      cli.signal('SIGTERM');
      return (await cli.exited).code;
    },
  };
}

/** A raw admin request (`solo.admin.api.<verb>`) with the node's admin token from its data dir. */
export async function admin<T = Record<string, unknown>>(nc: NatsConnection, verb: string, dataDir: string): Promise<T> {
  const h = headers();
  h.set(HEADERS.token, readFileSync(join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim());
  const m = await nc.request(adminApiSubject(verb), new Uint8Array(0), { timeout: 10_000, headers: h });
  return JSON.parse(new TextDecoder().decode(m.data)) as T;
}

/** Waits until this node's mailbox consumer has delivered and acked everything. */
export async function waitMailboxDrained(nc: NatsConnection, nodeId: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await waitFor(
    async () => {
      const ci = await jsm.consumers.info(mailboxStream(), mailboxConsumerName(nodeId));
      return ci.num_pending === 0 && ci.num_ack_pending === 0;
    },
    { timeoutMs: 30_000, message: 'mailbox never drained' },
  );
}

/** A raw NATS connection as the node's own user (every permission), for reading streams directly. */
export async function natsOf(p: NodeProcess): Promise<NatsConnection> {
  const kernel = NatsAuthority.open(join(p.info.data_dir, 'nats')).kernel;
  return connect({ servers: p.info.nats_url, maxReconnectAttempts: -1, reconnectTimeWait: 100, ...natsAuthOptions(kernel) });
}

/**
 * A durable service for crash tests: casts carry increasing ids from one sequential sender; it counts them
 * and records duplicates and gaps, so loss and double application are both visible. Reminders are durable.
 */
export const SEQUENCE_SERVICE = `
export default {
  version: '1',
  init() { return { count: 0, last: 0, dups: 0, gaps: 0, fired: [] }; },
  handleCall(msg, state) { return { reply: state, state }; },
  handleCast(msg, state, ctx) {
    if (msg && msg.op === 'remind') { ctx.setTimer(msg.ms, { tag: msg.tag }, { durable: true }); return state; }
    const id = msg.id;
    if (id <= state.last) return { ...state, dups: state.dups + 1 };
    return { ...state, count: state.count + 1, last: id, gaps: state.gaps + (id === state.last + 1 ? 0 : 1) };
  },
  handleInfo(msg, state) { return { ...state, fired: [...state.fired, msg] }; },
};
`;

/** The state {@link SEQUENCE_SERVICE} keeps. */
export interface SequenceState {
  count: number;
  last: number;
  dups: number;
  gaps: number;
  fired: { timer_id: string; due_at: string; fired_at: string; message: { tag: string } }[];
}

/** A small seeded PRNG (mulberry32), so crash timings are random yet reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
