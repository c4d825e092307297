// Crash recovery, process-level: the node runs as a child process and is killed with SIGKILL or stopped with
// SIGTERM; what was deployed and acknowledged must come back (issue #4).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectSolo, type SoloClient } from '@solo/sdk';
import { OPERATOR_CREDENTIALS_FILE } from '@solo/protocol';
import { applyEvent, canonicalJson, createKernelState, type KernelState } from '@solo/kernel';
import { EventLog, LocalStore } from '@solo/store';
import { createTempDir, uniqueName, waitFor, type TempDir } from '@solo/testkit';
import { killLeftoverClis } from './run-cli.ts';
import {
  SEQUENCE_SERVICE,
  admin,
  alive,
  natsOf,
  seededRandom,
  startNodeProcess,
  waitMailboxDrained,
  type NodeProcess,
  type SequenceState,
} from './node-process.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const counterSource = readFileSync(join(repo, 'examples', 'counter.ts'), 'utf8');
const kvSource = readFileSync(join(repo, 'examples', 'kv.ts'), 'utf8');
const dirs: TempDir[] = [];
const newDir = (): TempDir => {
  const d = createTempDir('solo-recovery-');
  dirs.push(d);
  return d;
};
after(() => {
  killLeftoverClis();
  for (const d of dirs) d.remove();
});

async function client(p: NodeProcess, tenant: string, requestTimeoutMs = 15_000): Promise<SoloClient> {
  return connectSolo({ natsUrl: p.info.nats_url, tenant, requestTimeoutMs, credentials: join(p.info.data_dir, OPERATOR_CREDENTIALS_FILE) });
}

describe('recovery after kill -9 of the node', () => {
  it('brings back 50 deployed services with the same ids, versions and artifacts, and keeps the events', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    let node = await startNodeProcess(dir.path);
    let c = await client(node, tenant);
    for (let i = 0; i < 50; i++) {
      await c.deploy({ service_id: `svc-${i}`, source: i % 2 === 0 ? counterSource : kvSource });
    }
    await c.call('svc-0', { op: 'inc', by: 4 });
    const before = await c.list({ limit: 1000 });
    const eventsBefore = await c.events({ limit: 1000 });
    await c.close();
    await node.kill9();

    node = await startNodeProcess(dir.path);
    c = await client(node, tenant);
    const after = await c.list({ limit: 1000 });
    assert.equal(after.total, 50);
    const shape = (l: typeof before): unknown[] => l.services.map((s) => [s.service_id, s.version, s.artifact_hash, s.code_version]);
    assert.deepEqual(shape(after), shape(before));
    assert.ok(after.services.every((s) => s.status === 'running'));
    // Not durable: state starts fresh, but the service answers.
    assert.deepEqual((await c.call('svc-0', { op: 'get' })).reply, { count: 0 });
    const eventsAfter = await c.events({ limit: 1000 });
    assert.deepEqual(eventsAfter.events.slice(0, eventsBefore.events.length), eventsBefore.events, 'the log is intact');
    await c.close();
    await node.term();
  });

  it('applies every acknowledged cast of a durable counter exactly once across 20 seeded kill -9 rounds', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    const random = seededRandom(0x5010);
    let node = await startNodeProcess(dir.path);
    // A short request timeout: the cast in flight when the node dies fails fast instead of waiting 15 s.
    let c = await client(node, tenant, 3000);
    await c.deploy({ service_id: 'seq', source: SEQUENCE_SERVICE, durable: true });
    let nextId = 1;
    let lastAcked = 0;
    for (let round = 0; round < 20; round++) {
      const killAfterMs = 30 + Math.floor(random() * 300);
      let killed = false;
      const killer = setTimeout(() => {
        killed = true;
        void node.kill9();
      }, killAfterMs);
      // One sequential sender: at most one cast is in doubt (sent, no reply) when the node dies.
      while (!killed) {
        try {
          await c.cast('seq', { id: nextId });
          lastAcked = nextId;
          nextId++;
        } catch {
          break;
        }
      }
      clearTimeout(killer);
      await node.cli.exited;
      await c.close().catch(() => undefined);
      node = await startNodeProcess(dir.path);
      c = await client(node, tenant, 3000);
      const nc = await natsOf(node);
      await waitMailboxDrained(nc, node.info.node_id);
      await nc.close();
      const s = (await c.call('seq', null)).reply as unknown as SequenceState;
      assert.equal(s.dups, 0, `round ${round}: a cast was applied twice`);
      assert.equal(s.gaps, 0, `round ${round}: a cast was lost`);
      assert.ok(s.last === lastAcked || s.last === lastAcked + 1, `round ${round}: last applied ${s.last}, last acknowledged ${lastAcked}`);
      assert.equal(s.count, s.last);
      nextId = s.last + 1;
      lastAcked = s.last;
    }
    assert.ok(lastAcked > 20, 'the load made progress');
    await c.close();
    await node.term();
  });

  it('fires a durable reminder that came due while the node was down exactly once, late, with its due time', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    let node = await startNodeProcess(dir.path);
    let c = await client(node, tenant);
    await c.deploy({ service_id: 'seq', source: SEQUENCE_SERVICE, durable: true });
    await c.cast('seq', { op: 'remind', ms: 1500, tag: 'a' });
    // The reminder is stored with the snapshot of the handler that set it.
    const nc0 = await natsOf(node);
    await waitMailboxDrained(nc0, node.info.node_id);
    await nc0.close();
    await c.close();
    await node.kill9();
    await new Promise((r) => setTimeout(r, 2000)); // past the due time while the node is down
    node = await startNodeProcess(dir.path);
    c = await client(node, tenant);
    const s = await waitFor(async () => {
      const st = (await c.call('seq', null)).reply as unknown as SequenceState;
      return st.fired.length > 0 ? st : null;
    });
    assert.equal(s.fired.length, 1);
    const f = s.fired[0];
    assert.equal(f?.message.tag, 'a');
    assert.ok(Date.parse(f?.fired_at ?? '') > Date.parse(f?.due_at ?? ''), 'fired late');
    // A second crash after it fired must not fire it again.
    await c.close();
    await node.kill9();
    node = await startNodeProcess(dir.path);
    c = await client(node, tenant);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(((await c.call('seq', null)).reply as unknown as SequenceState).fired.length, 1);
    await c.close();
    await node.term();
  });

  it('rebuilds from the log exactly the state the node had before the crash (canonical dumps)', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    let node = await startNodeProcess(dir.path, ['--checkpoint-every', '7']);
    const c = await client(node, tenant);
    for (let i = 0; i < 6; i++) await c.deploy({ service_id: `s${i}`, source: counterSource });
    await c.kill({ service_id: 's2' });
    await c.deploy({ service_id: 's2', source: kvSource, durable: true });
    const nc = await natsOf(node);
    const live = await admin<{ state: KernelState; seq: number }>(nc, 'state', dir.path);
    await nc.close();
    await c.close();
    await node.kill9();

    node = await startNodeProcess(dir.path);
    const nc2 = await natsOf(node);
    // Replay the whole log up to the dump's sequence, independently of the node.
    const log = await EventLog.open(nc2);
    const replayed = createKernelState();
    for (let since = 1; ; ) {
      const page = await log.read({ sinceSeq: since, limit: 1000 });
      for (const ev of page) if (ev.seq <= live.seq) applyEvent(replayed, ev);
      const last = page.at(-1);
      if (!last || last.seq >= live.seq || page.length < 1000) break;
      since = last.seq + 1;
    }
    replayed.seq = live.seq;
    assert.equal(canonicalJson(replayed), canonicalJson(live.state));
    const recovered = await admin<{ state: KernelState }>(nc2, 'state', dir.path);
    assert.equal(canonicalJson(recovered.state.services), canonicalJson(live.state.services));
    await nc2.close();
    await node.term();
  });
});

describe('graceful stop and damaged local state', () => {
  it('drains on SIGTERM with exit 0 and a final checkpoint, so the next start replays less than after kill -9', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    let node = await startNodeProcess(dir.path);
    let c = await client(node, tenant);
    for (let i = 0; i < 5; i++) await c.deploy({ service_id: `s${i}`, source: counterSource });
    await c.close();
    assert.equal(await node.term(), 0);
    assert.equal(alive(node.info.nats_pid as number), false);

    node = await startNodeProcess(dir.path);
    let nc = await natsOf(node);
    const afterTerm = await admin<{ recovery: { replayed_events: number; checkpoint_seq: number; started: number } }>(nc, 'health', dir.path);
    assert.ok(afterTerm.recovery.checkpoint_seq > 0, 'recovered from the shutdown checkpoint');
    assert.equal(afterTerm.recovery.started, 5);
    c = await client(node, tenant);
    for (let i = 5; i < 10; i++) await c.deploy({ service_id: `s${i}`, source: counterSource });
    await c.close();
    await nc.close();
    await node.kill9();

    node = await startNodeProcess(dir.path);
    nc = await natsOf(node);
    const afterKill = await admin<{ recovery: { replayed_events: number; started: number } }>(nc, 'health', dir.path);
    assert.equal(afterKill.recovery.started, 10);
    assert.ok(afterKill.recovery.replayed_events > afterTerm.recovery.replayed_events, 'kill -9 leaves more of the log to replay');
    await nc.close();
    await node.term();
  });

  it('falls back to a full replay when the checkpoint fails its checksum, and says so', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    let node = await startNodeProcess(dir.path);
    let c = await client(node, tenant);
    await c.deploy({ service_id: 'a', source: counterSource });
    await c.close();
    assert.equal(await node.term(), 0);
    const local = LocalStore.open(join(dir.path, 'lmdb'));
    const [key, cp] = [...local.checkpoints.entries({ reverse: true })][0] as [string, Record<string, unknown>];
    await local.checkpoints.put(key, { ...cp, state: String(cp['state']).replace('"services"', '"servicez"') });
    await local.close();

    node = await startNodeProcess(dir.path);
    c = await client(node, tenant);
    assert.equal((await c.status('a')).status, 'running');
    const nc = await natsOf(node);
    const h = await admin<{ recovery: { checkpoint_seq: number; rejected_checkpoints: number } }>(nc, 'health', dir.path);
    assert.equal(h.recovery.checkpoint_seq, 0);
    assert.equal(h.recovery.rejected_checkpoints, 1);
    const log = await EventLog.open(nc);
    const rejected = await log.read({ tenant: null, type: 'checkpoint_rejected' });
    assert.equal(rejected.at(-1)?.data['reason'], 'checksum_mismatch');
    await nc.close();
    await c.close();
    await node.term();
  });

  it('does not start a service whose stored artifact no longer matches its hash (artifact_mismatch)', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    let node = await startNodeProcess(dir.path);
    let c = await client(node, tenant);
    const d = await c.deploy({ service_id: 'victim', source: counterSource });
    await c.deploy({ service_id: 'bystander', source: kvSource });
    await c.close();
    await node.kill9();
    const { open } = await import('lmdb');
    const env = open({ path: join(dir.path, 'lmdb'), compression: false });
    const artifacts = env.openDB<string, string>({ name: 'artifacts', encoding: 'string' });
    const code = artifacts.get(d.artifact_hash);
    assert.ok(code);
    await artifacts.put(d.artifact_hash, `${code}\n/* tampered */`);
    await env.close();

    node = await startNodeProcess(dir.path);
    c = await client(node, tenant);
    const st = await c.status('victim');
    assert.equal(st.status, 'failed');
    await assert.rejects(c.call('victim', { op: 'get' }), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'unavailable');
      assert.match(err.message, /artifact_mismatch/);
      return true;
    });
    assert.equal((await c.status('bystander')).status, 'running');
    const ev = await c.events({ service_id: 'victim', type: 'service_failed' });
    assert.equal(ev.events.at(-1)?.data['reason'], 'artifact_mismatch');
    await c.close();
    await node.term();
  });
});

describe('recovery after kill -9 of nats-server', () => {
  it('restarts the embedded server on the same port; the node reconnects and loses nothing acknowledged', async () => {
    const dir = newDir();
    const tenant = uniqueName();
    const node = await startNodeProcess(dir.path);
    const c = await client(node, tenant);
    await c.deploy({ service_id: 'seq', source: SEQUENCE_SERVICE, durable: true });
    let nextId = 1;
    let lastAcked = 0;
    const send = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        try {
          await c.cast('seq', { id: nextId });
          lastAcked = nextId;
          nextId++;
        } catch {
          // The server is down: retry the same id (the service dedupes by id) until it is back.
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    await send(50);
    const natsPid = node.info.nats_pid as number;
    process.kill(natsPid, 'SIGKILL');
    await waitFor(() => !alive(natsPid));
    await send(80);
    const info = await waitFor(() => {
      const j = JSON.parse(readFileSync(join(dir.path, 'node.json'), 'utf8')) as { nats_pid: number };
      return j.nats_pid !== natsPid ? j : null;
    });
    assert.ok(alive(info.nats_pid));
    const nc = await natsOf(node);
    await waitMailboxDrained(nc, node.info.node_id);
    await nc.close();
    const s = (await c.call('seq', null)).reply as unknown as SequenceState;
    assert.equal(s.gaps, 0);
    assert.equal(s.last, lastAcked);
    assert.equal(s.count, lastAcked);
    await c.close();
    assert.equal(await node.term(), 0);
  });
});
