// Persistence and crash recovery (issue #4): kill -9 of a node with many services until they all answer
// again, replay of 100k events with and without a checkpoint, and durable cast throughput beside raw JetStream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, connect, type JetStreamClient, type NatsConnection } from 'nats';
import { applyEvent, createKernelState, recoverKernelState, writeCheckpoint } from '@solo/kernel';
import { eventSubject, mailboxConsumerName, mailboxStream, mailboxSubject, parseServiceId, parseTenantId, type EventInput } from '@solo/protocol';
import { connectSolo } from '@solo/sdk';
import { EventLog, LocalStore, ensureStreams } from '@solo/store';
import { startNatsServer } from '@solo/testkit';
import { counterSource, deployCounter } from '../lib/counter-source.ts';
import { latencyFromSamples, singleValue } from '../lib/measurement.ts';
import type { Suite, SuiteContext } from '../lib/suite.ts';

const TENANT = 'bench-rec';
const enc = new TextEncoder();

function names(ctx: SuiteContext): { n: number; events: number; casts: number; back: string; replayCp: string; replayFull: string; durable: string } {
  const n = ctx.pick(1000, 5);
  const events = ctx.pick(100_000, 2000);
  const casts = ctx.pick(20_000, 200);
  return {
    n,
    events,
    casts,
    back: `kill -9 → ${n} services back and answering calls`,
    replayCp: `replay of ${events} events with a checkpoint at ${events - events / 100}`,
    replayFull: `replay of ${events} events with no checkpoint`,
    durable: `durable cast throughput, ${casts} casts (publish → handled → snapshotted → acked)`,
  };
}

/** Publishes `count` messages on `subject(i)` with many PubAcks in flight at once. */
async function publishMany(js: JetStreamClient, count: number, subject: (i: number) => string, body: (i: number) => Uint8Array): Promise<void> {
  const window = 500;
  for (let i = 0; i < count; i += window) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + window); j++) batch.push(js.publish(subject(j), body(j)));
    await Promise.all(batch);
  }
}

async function killAndRecover(ctx: SuiteContext, n: number): Promise<number> {
  const node = await ctx.startNode('before-crash');
  await node.benchTenant(TENANT);
  const client = await connectSolo({ natsUrl: node.info.nats_url, tenant: TENANT, credentials: node.credentials });
  const source = counterSource(ctx.repoRoot);
  ctx.log(`deploying ${n} counters before the crash`);
  for (let i = 0; i < n; i++) await deployCounter(client, `r${i}`, source);
  await client.close();
  await node.kill9();
  const t0 = performance.now();
  const again = await ctx.startNode('after-crash', { dataDir: node.dataDir });
  const c2 = await connectSolo({ natsUrl: again.info.nats_url, tenant: TENANT, credentials: again.credentials });
  try {
    const ids = Array.from({ length: n }, (_, i) => `r${i}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((id) => c2.call(id, { op: 'get' })));
    }
    return performance.now() - t0;
  } finally {
    await c2.close();
  }
}

async function replayTimes(ctx: SuiteContext, total: number): Promise<{ withCheckpoint: number[]; full: number[] }> {
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'solo-bench-replay-'));
  let nc: NatsConnection | null = null;
  try {
    nc = await connect({ servers: nats.url });
    await ensureStreams(nc);
    const js = nc.jetstream();
    const services = Math.max(10, total / 100);
    const at = new Date().toISOString();
    // A log of realistic shape: deploys of `services` services, then their runtime events.
    const eventAt = (i: number): EventInput => {
      const svc = `s${i % services}`;
      if (i < services) {
        return {
          type: 'service_deployed',
          tenant: TENANT,
          service_id: svc,
          at,
          data: { version: 1, code_version: '1', artifact_hash: 'ab'.repeat(32), limits: { memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 }, args: null, filename: 'c.ts', restart: 'permanent', durable: false },
        };
      }
      return { type: i % 3 === 0 ? 'service_crashed' : i % 3 === 1 ? 'service_restarted' : 'service_emitted', tenant: TENANT, service_id: svc, at, data: { n: i } };
    };
    ctx.log(`appending ${total} events for the replay rows`);
    const tenant = parseTenantId(TENANT);
    await publishMany(
      js,
      total,
      (i) => {
        const e = eventAt(i);
        return eventSubject(tenant, parseServiceId(e.service_id as string), e.type);
      },
      (i) => enc.encode(JSON.stringify(eventAt(i))),
    );
    const events = await EventLog.open(nc);
    const local = LocalStore.open(dir);
    try {
      const cpSeq = total - total / 100;
      const state = createKernelState();
      for (let since = 1; since <= cpSeq; ) {
        const page = await events.read({ sinceSeq: since, limit: 1000 });
        for (const ev of page) if (ev.seq <= cpSeq) applyEvent(state, ev);
        since += 1000;
      }
      state.seq = cpSeq;
      const deps = {
        events,
        local,
        now: Date.now,
        append: async (): Promise<void> => undefined,
        restore: async (): Promise<{ started: number; failed: number }> => ({ started: 0, failed: 0 }),
      };
      const withCheckpoint: number[] = [];
      const full: number[] = [];
      await writeCheckpoint(local, state, at);
      for (let r = 0; r < ctx.pick(5, 1); r++) {
        const t0 = performance.now();
        const rep = await recoverKernelState(deps);
        withCheckpoint.push(performance.now() - t0);
        if (rep.checkpoint_seq !== cpSeq || rep.replayed_events !== total - cpSeq) throw new Error(`unexpected replay: ${JSON.stringify(rep)}`);
      }
      for (const [k] of [...local.checkpoints.entries()]) await local.checkpoints.remove(k);
      for (let r = 0; r < ctx.pick(3, 1); r++) {
        const t0 = performance.now();
        const rep = await recoverKernelState(deps);
        full.push(performance.now() - t0);
        if (rep.replayed_events !== total) throw new Error(`unexpected full replay: ${JSON.stringify(rep)}`);
      }
      return { withCheckpoint, full };
    } finally {
      await local.close();
    }
  } finally {
    await nc?.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw JetStream: publish `count` (PubAcks in flight) while a pull consumer consumes and acks each one. */
async function rawThroughputMs(count: number): Promise<number> {
  const nats = await startNatsServer();
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'RAWQ', subjects: ['rawq.>'], retention: 'workqueue' as never });
    await jsm.consumers.add('RAWQ', { durable_name: 'c', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_ack_pending: 10_000 });
    const js = nc.jetstream();
    const consumer = await js.consumers.get('RAWQ', 'c');
    let acked = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((r) => (done = r));
    const messages = await consumer.consume({ max_messages: 1000, callback: (m) => {
      m.ack();
      if (++acked === count) done();
    } });
    const t0 = performance.now();
    await publishMany(js, count, () => 'rawq.a', (i) => enc.encode(JSON.stringify({ id: i })));
    await all;
    const ms = performance.now() - t0;
    await messages.close();
    return ms;
  } finally {
    await nc.close();
    await nats.stop();
  }
}

async function durableThroughputMs(ctx: SuiteContext, count: number): Promise<number> {
  const node = await ctx.startNode('durable');
  await node.benchTenant(TENANT);
  const client = await connectSolo({ natsUrl: node.info.nats_url, tenant: TENANT, credentials: node.credentials });
  const nc = await connect({ servers: node.info.nats_url, ...node.kernelAuth() });
  try {
    await client.deploy({ service_id: 'dc', source: counterSource(ctx.repoRoot), durable: true });
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const subject = mailboxSubject(parseTenantId(TENANT), parseServiceId('dc'));
    const t0 = performance.now();
    // The node's own door adds a request/reply per cast; publishing to the mailbox directly measures the
    // durable path itself (handled → snapshotted → acked), as the raw baseline measures publish → ack.
    await publishMany(js, count, () => subject, () => enc.encode('{"op":"inc"}'));
    for (;;) {
      const ci = await jsm.consumers.info(mailboxStream(), mailboxConsumerName(node.info.node_id));
      if (ci.num_pending === 0 && ci.num_ack_pending === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - t0;
    const count2 = ((await client.call('dc', { op: 'get' })).reply as { count: number }).count;
    if (count2 !== count) throw new Error(`durable counter is ${count2}, expected ${count}`);
    return ms;
  } finally {
    await nc.close();
    await client.close();
  }
}

export const recoverySuite: Suite = {
  name: 'recovery',
  plan(ctx) {
    const m = names(ctx);
    return [
      { measure: m.back, target: { unit: 'ms', checks: [{ stat: 'value', max: 3000 }] } },
      { measure: m.replayCp, target: { unit: 'ms', checks: [{ stat: 'p50', max: 500 }] } },
      { measure: m.replayFull, target: { unit: 'ms', checks: [{ stat: 'p50', max: 5000 }] } },
      { measure: m.durable, target: { unit: 'ms', checks: [{ stat: 'value', maxTimesBaseline: 2 }] } },
    ];
  },
  async run(ctx, emit) {
    const m = names(ctx);
    const back = await killAndRecover(ctx, m.n);
    emit({ measure: m.back, result: singleValue('ms', back), note: 'from spawning `solo up` on the killed node\'s data dir to the last of the calls answered (includes Node start-up)' });
    const replay = await replayTimes(ctx, m.events);
    emit({ measure: m.replayCp, result: latencyFromSamples(replay.withCheckpoint) });
    emit({ measure: m.replayFull, result: latencyFromSamples(replay.full) });
    const raw = await rawThroughputMs(m.casts);
    const durable = await durableThroughputMs(ctx, m.casts);
    emit({
      measure: m.durable,
      result: singleValue('ms', durable, { perSecond: (m.casts / durable) * 1000 }),
      baseline: { name: 'raw JetStream publish + consume + ack, same count', measurement: singleValue('ms', raw, { perSecond: (m.casts / raw) * 1000 }) },
      note: 'target: throughput ≥ 0.5 × raw, i.e. total time ≤ 2 × raw',
    });
  },
};
