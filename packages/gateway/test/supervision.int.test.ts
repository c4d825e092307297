// Supervision through a real node (embedded NATS, LMDB, isolates): restart types on normal exits and crashes,
// strategies, intensity escalation confined to one tenant, backoff, the tenant policy verb and `tree`,
// per-service options, and poison casts dead-lettered while the mailbox moves on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName, waitFor } from '@solo/testkit';
import { startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { lifecycleSource } from './service-sources.ts';

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

type Reply = Record<string, unknown>;
const errCode = (r: Reply): unknown => (r['error'] as { code?: string } | undefined)?.code;

async function ok(tenant: string, verb: string, body: unknown): Promise<Reply> {
  const r = await f.api(tenant, verb, body);
  assert.equal(r['ok'], true, `${verb}: ${JSON.stringify(r)}`);
  return r;
}
const deploy = (t: string, id: string, extra: Reply = {}): Promise<Reply> => ok(t, 'deploy', { service_id: id, source: lifecycleSource(), ...extra });
const call = (t: string, id: string, message: unknown): Promise<Reply> => f.api(t, 'call', { service_id: id, message });
const status = (t: string, id: string): Promise<Reply> => ok(t, 'status', { service_id: id });
async function events(t: string, type: string, service?: string): Promise<Reply[]> {
  const r = await ok(t, 'events', { type, ...(service ? { service_id: service } : {}), limit: 1000 });
  return r['events'] as Reply[];
}
async function waitForStatus(t: string, id: string, pred: (s: Reply) => boolean): Promise<Reply> {
  let last: Reply = {};
  await waitFor(async () => pred((last = await status(t, id))), { timeoutMs: 15_000, message: `status of ${id} never matched: ${JSON.stringify(last)}` });
  return last;
}
const n = async (t: string, id: string): Promise<number> => ((await call(t, id, { op: 'get' }))['reply'] as { n: number }).n;

describe('restart types', () => {
  it('restarts a permanent service after a normal exit and after a crash', async () => {
    const t = uniqueName();
    await deploy(t, 'p');
    assert.equal((await call(t, 'p', { op: 'exit' }))['reply'], 'bye');
    await waitForStatus(t, 'p', (s) => s['status'] === 'running' && s['restarts'] === 1);
    assert.equal((await events(t, 'service_exited', 'p'))[0]?.['data'] && true, true);
    assert.equal(errCode(await call(t, 'p', { op: 'crash' })), 'service_crashed');
    const s = await waitForStatus(t, 'p', (x) => x['status'] === 'running' && x['restarts'] === 2);
    assert.equal(s['supervisor_state'], 'running');
    assert.equal((s['last_crash'] as Reply)['code'], 'throw');
  });

  it('stops a transient service on a normal exit but restarts it after a crash', async () => {
    const t = uniqueName();
    await deploy(t, 'tc', { restart: 'transient' });
    await call(t, 'tc', { op: 'crash' });
    await waitForStatus(t, 'tc', (s) => s['status'] === 'running' && s['restarts'] === 1);
    await deploy(t, 'tn', { restart: 'transient' });
    await call(t, 'tn', { op: 'exit' });
    const s = await waitForStatus(t, 'tn', (x) => x['status'] === 'stopped');
    assert.equal(s['supervisor_state'], 'stopped');
    assert.equal(s['alive'], false);
    const r = await call(t, 'tn', { op: 'get' });
    assert.equal(errCode(r), 'unavailable');
    assert.match(String((r['error'] as Reply)['message']), /is stopped .*restart type transient/);
    assert.equal(errCode(await f.api(t, 'cast', { service_id: 'tn', message: {} })), 'unavailable');
  });

  it('never restarts a temporary service, after a crash or a normal exit', async () => {
    const t = uniqueName();
    await deploy(t, 'tmp', { restart: 'temporary' });
    assert.equal(errCode(await call(t, 'tmp', { op: 'crash' })), 'service_crashed');
    await waitForStatus(t, 'tmp', (s) => s['status'] === 'stopped' && s['restarts'] === 0);
    await deploy(t, 'tmp2', { restart: 'temporary' });
    await call(t, 'tmp2', { op: 'exit', reason: 'shutdown' });
    await waitForStatus(t, 'tmp2', (s) => s['status'] === 'stopped');
    const ev = await events(t, 'service_exited', 'tmp2');
    assert.deepEqual(ev[0]?.['data'], { reason: 'shutdown' });
    // A stopped service is still deployed: kill frees the id.
    await ok(t, 'kill', { service_id: 'tmp2' });
  });
});

describe('strategies', () => {
  it('restarts only the crashed service under one_for_one (the default)', async () => {
    const t = uniqueName();
    await deploy(t, 'a');
    await deploy(t, 'b');
    await call(t, 'a', { op: 'inc' });
    await call(t, 'b', { op: 'crash' });
    await waitForStatus(t, 'b', (s) => s['restarts'] === 1 && s['status'] === 'running');
    assert.equal(await n(t, 'a'), 1);
    assert.equal((await status(t, 'a'))['restarts'], 0);
  });

  it('restarts every service of the tenant under one_for_all', async () => {
    const t = uniqueName();
    const set = await ok(t, 'supervision', { strategy: 'one_for_all' });
    assert.equal((set['policy'] as Reply)['strategy'], 'one_for_all');
    for (const id of ['a', 'b', 'c']) await deploy(t, id);
    await call(t, 'a', { op: 'inc' });
    await call(t, 'c', { op: 'inc' });
    await call(t, 'b', { op: 'crash' });
    for (const id of ['a', 'b', 'c']) await waitForStatus(t, id, (s) => s['restarts'] === 1 && s['status'] === 'running');
    assert.equal(await n(t, 'a'), 0);
    assert.equal(await n(t, 'c'), 0);
    const restarted = (await events(t, 'service_restarted')).map((e) => e['service_id']);
    assert.deepEqual([...restarted].sort(), ['a', 'b', 'c']);
  });

  it('restarts the crashed service and those deployed after it under rest_for_one', async () => {
    const t = uniqueName();
    await ok(t, 'supervision', { strategy: 'rest_for_one' });
    for (const id of ['a', 'b', 'c']) await deploy(t, id);
    for (const id of ['a', 'b', 'c']) await call(t, id, { op: 'inc' });
    await call(t, 'b', { op: 'crash' });
    await waitForStatus(t, 'c', (s) => s['restarts'] === 1 && s['status'] === 'running');
    await waitForStatus(t, 'b', (s) => s['restarts'] === 1 && s['status'] === 'running');
    assert.equal(await n(t, 'a'), 1);
    assert.equal(await n(t, 'c'), 0);
    assert.equal((await status(t, 'a'))['restarts'], 0);
  });

  it('keeps the queued casts of a sibling restarted by one_for_all: none is lost', async () => {
    const t = uniqueName();
    await ok(t, 'supervision', { strategy: 'one_for_all' });
    await deploy(t, 'busy', { durable: true });
    await deploy(t, 'bad');
    const total = 300;
    const sent: Promise<Reply>[] = [];
    for (let i = 1; i <= total; i++) {
      sent.push(f.api(t, 'cast', { service_id: 'busy', message: { i } }));
      if (i === 100) sent.push(call(t, 'bad', { op: 'crash' }));
    }
    await Promise.all(sent);
    await waitFor(async () => (await n(t, 'busy')) === total, { timeoutMs: 30_000, message: 'busy never counted every cast' });
    assert.equal((await status(t, 'busy'))['restarts'], 1);
    assert.equal((await events(t, 'message_dead_lettered', 'busy')).length, 0);
  });
});

describe('intensity and escalation', () => {
  it('fails a service beyond its intensity and stops its tenant under stop_all, leaving other tenants alone', async () => {
    const [t, other] = [uniqueName(), uniqueName()];
    await ok(t, 'supervision', { max_restarts: 1, max_seconds: 60, escalation: 'stop_all' });
    for (const tenant of [t, other]) {
      await deploy(tenant, 'flaky');
      await deploy(tenant, 'calm');
    }
    await call(t, 'flaky', { op: 'crash' });
    await waitForStatus(t, 'flaky', (s) => s['status'] === 'running' && s['restarts'] === 1);
    await call(t, 'flaky', { op: 'crash' });
    await waitForStatus(t, 'flaky', (s) => s['status'] === 'failed');
    await waitForStatus(t, 'calm', (s) => s['status'] === 'stopped');
    assert.equal(errCode(await call(t, 'flaky', { op: 'get' })), 'unavailable');
    const escalated = await events(t, 'supervisor_escalated');
    assert.deepEqual(escalated.map((e) => [e['service_id'], (e['data'] as Reply)['policy']]), [['flaky', 'stop_all']]);
    assert.equal((await events(t, 'service_failed', 'flaky')).length, 1);
    const tree = await ok(t, 'tree', {});
    assert.equal(tree['state'], 'escalated');
    assert.equal(tree['escalations'], 1);
    // The other tenant runs on the defaults and never noticed.
    for (const id of ['flaky', 'calm']) assert.equal((await status(other, id))['status'], 'running');
    assert.equal((await ok(other, 'tree', {}))['state'], 'supervising');
  });

  it('marks only the failing service failed under mark_failed; a per-service max_restarts overrides the tenant', async () => {
    const t = uniqueName();
    await deploy(t, 'fragile', { max_restarts: 0 });
    await deploy(t, 'calm');
    await call(t, 'fragile', { op: 'crash' });
    const s = await waitForStatus(t, 'fragile', (x) => x['status'] === 'failed');
    assert.equal(s['supervisor_state'], 'failed');
    assert.equal((await status(t, 'calm'))['status'], 'running');
    const failed = await events(t, 'service_failed', 'fragile');
    assert.match(String((failed[0]?.['data'] as Reply)['reason']), /restart intensity exceeded: more than 0 restart/);
  });
});

describe('backoff', () => {
  it('waits in backoff with the delay of the policy, and a kill still ends it', async () => {
    const t = uniqueName();
    await deploy(t, 'slow', { backoff: { initial_ms: 600_000, max_ms: 600_000, jitter: 0 } });
    await call(t, 'slow', { op: 'crash' });
    const s = await waitForStatus(t, 'slow', (x) => x['supervisor_state'] === 'backoff');
    assert.equal(s['status'], 'restarting');
    assert.equal(s['alive'], false);
    const tree = await ok(t, 'tree', {});
    assert.deepEqual((tree['children'] as Reply[]).map((c) => [c['service_id'], c['state']]), [['slow', 'backoff']]);
    assert.equal(((tree['children'] as Reply[])[0]?.['last_crash'] as Reply)['code'], 'throw');
    await ok(t, 'kill', { service_id: 'slow' });
    assert.deepEqual((await ok(t, 'tree', {}))['children'], []);
  });
});

describe('tenant policy and per-service options', () => {
  it('reads the defaults, merges a change field by field and refuses a bad policy without changing it', async () => {
    const t = uniqueName();
    const read = await ok(t, 'supervision', {});
    assert.deepEqual(read['policy'], {
      strategy: 'one_for_one',
      max_restarts: 3,
      max_seconds: 5,
      escalation: 'mark_failed',
      backoff: { initial_ms: 0, multiplier: 2, max_ms: 5000, jitter: 0.2 },
    });
    assert.equal(read['updated_at'], null);
    const set = await ok(t, 'supervision', { max_restarts: 7, backoff: { initial_ms: 50 } });
    assert.equal((set['policy'] as Reply)['max_restarts'], 7);
    assert.deepEqual((set['policy'] as Reply)['backoff'], { initial_ms: 50, multiplier: 2, max_ms: 5000, jitter: 0.2 });
    assert.equal(typeof set['event_seq'], 'number');
    for (const bad of [{ strategy: 'all_for_none' }, { max_restarts: -1 }, { max_seconds: 0 }, { backoff: { initial_ms: 10, max_ms: 5 } }, { nope: 1 }]) {
      assert.equal(errCode(await f.api(t, 'supervision', bad)), 'invalid_request', JSON.stringify(bad));
    }
    assert.equal(((await ok(t, 'supervision', {}))['policy'] as Reply)['max_restarts'], 7);
    assert.equal((await events(t, 'supervisor_policy_set')).length, 1);
  });

  it('stores per-service options in the deploy event and refuses bad ones before anything is deployed', async () => {
    const t = uniqueName();
    await deploy(t, 'opt', { max_restarts: 5, max_seconds: 30, backoff: { initial_ms: 10 }, max_cast_attempts: 2 });
    const ev = await events(t, 'service_deployed', 'opt');
    const options = (ev[0]?.['data'] as Reply)['options'] as Reply;
    // The deployer's capability is recorded beside them (what the service may do through ctx).
    assert.deepEqual((options['capability'] as { services: string[][] }).services, [['*']]);
    assert.deepEqual({ ...options, log_level: undefined, capability: undefined }, { max_restarts: 5, max_seconds: 30, backoff: { initial_ms: 10 }, max_cast_attempts: 2, log_level: undefined, capability: undefined });
    for (const bad of [{ max_restarts: -2 }, { max_seconds: -1 }, { backoff: { jitter: 3 } }, { max_cast_attempts: 0 }, { backoff: { nope: 1 } }]) {
      const r = await f.api(t, 'deploy', { service_id: 'bad-opt', source: lifecycleSource(), ...bad });
      assert.equal(errCode(r), 'invalid_request', JSON.stringify(bad));
    }
    assert.equal(errCode(await f.api(t, 'status', { service_id: 'bad-opt' })), 'not_found');
  });
});

describe('poison casts', () => {
  it('dead-letters a cast after max_cast_attempts crashes and moves on to the next message', async () => {
    const t = uniqueName();
    await deploy(t, 'victim', { max_cast_attempts: 2 });
    await ok(t, 'cast', { service_id: 'victim', message: { op: 'poison' } });
    await ok(t, 'cast', { service_id: 'victim', message: { i: 1 } });
    await waitFor(async () => (await events(t, 'message_dead_lettered', 'victim')).length === 1, { timeoutMs: 15_000 });
    const dl = (await events(t, 'message_dead_lettered', 'victim'))[0]?.['data'] as Reply;
    assert.equal(dl['attempts'], 2);
    await waitFor(async () => (await n(t, 'victim')) === 1, { timeoutMs: 15_000 });
    assert.equal(((await call(t, 'victim', { op: 'get' }))['reply'] as Reply)['last'], 1);
    assert.equal((await events(t, 'service_crashed', 'victim')).length, 2);
  });
});
