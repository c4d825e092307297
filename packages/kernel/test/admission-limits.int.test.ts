// Per-service limits enforced by the kernel (message and reply size, mailbox length, timers), the circuit
// breaker, resource_violation events and status usage, against a real kernel (nats-server, LMDB, isolates).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileService } from '@solo/actor-core';
import { SERVICE_LIMITS, parseServiceId, type Json, type SoloEvent } from '@solo/protocol';
import { waitFor } from '@solo/testkit';
import { createKernelState, recordKey, writeCheckpoint, type ServiceRecord } from '@solo/kernel';
import { WORKER_SOURCE, newTenant, outcome, startTestKernel, type TestKernel } from './admission-kernel.ts';

let k: TestKernel;
before(async () => {
  k = await startTestKernel();
});
after(async () => {
  await k?.stop();
});

const roomy = { max_restarts: 100, max_seconds: 60 };
const call = (t: ReturnType<typeof newTenant>, s: string, m: Json) => outcome(k.kernel.call(t, parseServiceId(s), m, { timeoutMs: 10_000 }));
const cast = (t: ReturnType<typeof newTenant>, s: string, m: Json) => outcome(k.kernel.cast(t, parseServiceId(s), m, {}).then((r) => r.seq));
const violations = (evs: SoloEvent[], limit: string) => evs.filter((e) => e.type === 'resource_violation' && e.data['limit'] === limit);

describe('deploy limits', () => {
  it('refuses every new limit out of bounds with invalid_request and deploys nothing', async () => {
    const t = newTenant();
    const bad = [
      { mailbox_len: 0 },
      { max_message_bytes: 1 },
      { max_reply_bytes: 10 ** 9 },
      { max_timers: 0 },
      { max_timers: 2.5 },
      { circuit_crashes: -1 },
      { circuit_window_ms: 1 },
      { circuit_cooldown_ms: 0 },
    ];
    for (const limits of bad) {
      await assert.rejects(k.deploy(t, 'w', WORKER_SOURCE, { limits }), { code: 'invalid_request' }, JSON.stringify(limits));
      assert.throws(() => k.kernel.status(t, parseServiceId('w')), { code: 'not_found' });
    }
  });

  it('resolves omitted limits to their defaults and shows them with usage in status', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { mailbox_len: 7 } });
    const s = k.kernel.status(t, parseServiceId('w'));
    assert.equal(s.limits.mailbox_len, 7);
    assert.equal(s.limits.max_timers, SERVICE_LIMITS.max_timers.default);
    assert.equal(s.usage?.mailbox_limit, 7);
    assert.equal(s.usage?.memory_limit_bytes, 32 * 1024 * 1024);
    assert.equal(s.usage?.timers, 0);
    assert.equal(s.usage?.tenant_in_flight, 0);
    assert.equal(s.circuit?.state, 'closed');
    assert.ok(s.usage !== undefined && s.usage.memory_bytes > 0);
  });
});

describe('max_message_bytes', () => {
  it('refuses an oversize call or cast with limit_exceeded before it is queued, and records one violation', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { max_message_bytes: 1024 } });
    const big = { pad: 'é'.repeat(600) }; // 600 characters, 1200+ bytes: counted in UTF-8 bytes
    const r = await call(t, 'w', big);
    assert.ok(!r.ok && r.code === 'limit_exceeded', JSON.stringify(r));
    assert.equal(r.details?.['limit'], 'max_message_bytes');
    assert.ok(Number(r.details?.['value']) > 1024);
    const c = await cast(t, 'w', big);
    assert.ok(!c.ok && c.code === 'limit_exceeded');
    assert.deepEqual(await call(t, 'w', { pad: 'x'.repeat(900) }), { ok: true, reply: 1 });
    assert.equal(k.kernel.status(t, parseServiceId('w')).messages_handled, 1);
    const ev = await waitFor(async () => violations(await k.events(t), 'max_message_bytes')[0]);
    assert.equal(ev.data['limit_value'], 1024);
  });

  it('writes at most one violation event per limit per second for a flood', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { max_message_bytes: 64 } });
    const sent = Array.from({ length: 50 }, () => call(t, 'w', { pad: 'x'.repeat(100) }));
    for (const r of await Promise.all(sent)) assert.ok(!r.ok && r.code === 'limit_exceeded');
    await waitFor(async () => violations(await k.events(t), 'max_message_bytes').length > 0);
    assert.ok(violations(await k.events(t), 'max_message_bytes').length <= 2);
  });
});

describe('max_reply_bytes', () => {
  it('drops an oversize reply with limit_exceeded, without crashing the service or losing its state', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { max_reply_bytes: 1024 } });
    const r = await call(t, 'w', { size: 5000 });
    assert.ok(!r.ok && r.code === 'limit_exceeded', JSON.stringify(r));
    assert.equal(r.details?.['limit'], 'max_reply_bytes');
    assert.deepEqual(await call(t, 'w', {}), { ok: true, reply: 2 }, 'the state the handler returned was kept');
    const s = k.kernel.status(t, parseServiceId('w'));
    assert.equal(s.restarts, 0);
    assert.equal(s.status, 'running');
    await waitFor(async () => violations(await k.events(t), 'max_reply_bytes').length === 1);
  });
});

describe('mailbox_len', () => {
  it('refuses calls and casts beyond the mailbox length with limit_exceeded, not queued', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { mailbox_len: 3 } });
    // Sent in one go: the first runs, three wait, the rest find the mailbox full.
    const calls = Array.from({ length: 6 }, () => call(t, 'w', { burnMs: 20 }));
    const refusedCast = cast(t, 'w', {});
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((r) => (r.ok ? 'ok' : r.code)),
      ['ok', 'ok', 'ok', 'ok', 'limit_exceeded', 'limit_exceeded'],
    );
    const c = await refusedCast;
    assert.ok(!c.ok && c.code === 'limit_exceeded' && c.details?.['limit'] === 'mailbox_len');
    assert.equal(k.kernel.status(t, parseServiceId('w')).messages_handled, 4);
    // After a break: four 20 ms handlers back to back are one busy turn, in which the load shedder would refuse
    // a fifth request of the same tenant (another test's tenant was seen recently) — not what this test is about.
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await call(t, 'w', {}), { ok: true, reply: 5 }, 'the refused calls were never handled');
    const ev = await waitFor(async () => violations(await k.events(t), 'mailbox_len')[0]);
    assert.deepEqual({ value: ev.data['value'], limit_value: ev.data['limit_value'] }, { value: 3, limit_value: 3 });
  });

  it('counts casts accepted and not yet handled, and frees the room once they are', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { mailbox_len: 50 } });
    const sent = await Promise.all(Array.from({ length: 60 }, () => cast(t, 'w', {})));
    const refused = sent.filter((r) => !r.ok);
    assert.ok(refused.length > 0 && refused.every((r) => !r.ok && r.code === 'limit_exceeded'), 'a burst over the limit is refused');
    const accepted = sent.length - refused.length;
    await waitFor(() => k.kernel.status(t, parseServiceId('w')).messages_handled === accepted);
    assert.equal(k.kernel.status(t, parseServiceId('w')).usage?.mailbox_len, 0);
    assert.ok((await cast(t, 'w', {})).ok);
  });
});

describe('max_timers', () => {
  it('throws limit_exceeded inside the service beyond max_timers, counting volatile and durable timers', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { max_timers: 5 } });
    assert.deepEqual(await call(t, 'w', { timers: 3 }), { ok: true, reply: { set: 3, code: null } });
    assert.deepEqual(await call(t, 'w', { timers: 10, durable: true }), { ok: true, reply: { set: 2, code: 'limit_exceeded' } });
    const s = k.kernel.status(t, parseServiceId('w'));
    assert.deepEqual({ timers: s.usage?.timers, limit: s.usage?.timers_limit }, { timers: 5, limit: 5 });
    assert.equal(s.restarts, 0, 'a refused timer does not crash the service');
    const ev = await waitFor(async () => violations(await k.events(t), 'max_timers')[0]);
    assert.equal(ev.data['limit_value'], 5);
  });
});

describe('limit crashes', () => {
  it('records a resource_violation for a CPU limit crash', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { cpu_ms: 50 } });
    const r = await call(t, 'w', { burnMs: 2000 });
    assert.ok(!r.ok && r.code === 'service_crashed' && r.details?.['limit'] === 'cpu_ms', JSON.stringify(r));
    const ev = await waitFor(async () => violations(await k.events(t), 'cpu_ms')[0]);
    assert.equal(ev.data['limit_value'], 50);
  });
});

describe('circuit breaker', () => {
  async function openBreaker(t: ReturnType<typeof newTenant>, cooldownMs: number): Promise<void> {
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { circuit_crashes: 2, circuit_cooldown_ms: cooldownMs }, supervision: roomy });
    for (let i = 0; i < 2; i++) {
      const r = await call(t, 'w', { crash: true });
      assert.ok(!r.ok && r.code === 'service_crashed');
    }
    assert.equal(k.kernel.status(t, parseServiceId('w')).circuit?.state, 'open');
  }
  const cooledDown = (t: ReturnType<typeof newTenant>) =>
    waitFor(() => {
      const s = k.kernel.status(t, parseServiceId('w'));
      return s.status === 'running' && s.circuit?.retry_after_ms === 0;
    });

  it('fails calls and casts fast with unavailable and a retry hint once the service crashed too often', async () => {
    const t = newTenant();
    await openBreaker(t, 60_000);
    const r = await call(t, 'w', {});
    assert.ok(!r.ok && r.code === 'unavailable', JSON.stringify(r));
    assert.equal(r.details?.['reason'], 'circuit_open');
    assert.ok(Number(r.details?.['retry_after_ms']) > 0 && Number(r.details?.['retry_after_ms']) <= 60_000);
    const c = await cast(t, 'w', {});
    assert.ok(!c.ok && c.code === 'unavailable' && c.details?.['reason'] === 'circuit_open');
    const opened = await waitFor(async () => (await k.events(t, 'circuit_opened'))[0]);
    assert.deepEqual({ crashes: opened.data['crashes'], reopened: opened.data['reopened'] }, { crashes: 2, reopened: false });
  });

  it('lets one probe through after the cool-down and closes when it succeeds', async () => {
    const t = newTenant();
    await openBreaker(t, 200);
    await cooledDown(t);
    const probe = call(t, 'w', {});
    const second = call(t, 'w', {});
    const refused = await second;
    assert.ok(!refused.ok && refused.code === 'unavailable' && refused.details?.['state'] === 'half_open', JSON.stringify(refused));
    assert.ok((await probe).ok);
    assert.equal(k.kernel.status(t, parseServiceId('w')).circuit?.state, 'closed');
    await waitFor(async () => (await k.events(t, 'circuit_closed')).length === 1);
    assert.ok((await call(t, 'w', {})).ok);
  });

  it('re-opens with a doubled cool-down when the probe crashes', async () => {
    const t = newTenant();
    await openBreaker(t, 200);
    await cooledDown(t);
    const r = await call(t, 'w', { crash: true });
    assert.ok(!r.ok && r.code === 'service_crashed');
    const s = k.kernel.status(t, parseServiceId('w')).circuit;
    assert.deepEqual({ state: s?.state, cooldown: s?.cooldown_ms }, { state: 'open', cooldown: 400 });
    await waitFor(async () => (await k.events(t, 'circuit_opened')).some((e) => e.data['reopened'] === true));
  });

  it('stays closed when turned off with circuit_crashes: 0', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WORKER_SOURCE, { limits: { circuit_crashes: 0 }, supervision: roomy });
    for (let i = 0; i < 4; i++) assert.equal((await call(t, 'w', { crash: true })).ok, false);
    assert.equal(k.kernel.status(t, parseServiceId('w')).circuit?.state, 'closed');
    assert.ok((await call(t, 'w', {})).ok);
  });
});

describe('services deployed before these limits existed', () => {
  it('restore from the log and from a checkpoint with every missing limit at its default', async () => {
    const t = newTenant();
    const { code, hash } = await compileService(WORKER_SOURCE, { filename: 'old.ts' });
    let checkpointSeq = 0;
    const old = await startTestKernel({
      async before({ events, local }) {
        await local.artifacts.put(code);
        const data = { version: 1, code_version: null, artifact_hash: hash, limits: { memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 }, args: null, filename: 'x.ts', restart: 'permanent', durable: false, options: {} };
        const at = new Date().toISOString();
        const seq = await events.append({ type: 'service_deployed', tenant: t, service_id: 'from-checkpoint', at, data });
        // A checkpoint of that time: its record has only the three limits of then.
        const state = createKernelState();
        const record = { tenant: t, service_id: 'from-checkpoint', limits: data.limits, args: null, filename: 'x.ts', restart: 'permanent', durable: false, options: {}, deployed_seq: seq, deployed_at: at, current: { version: 1, artifact_hash: hash, code_version: null, at, via: 'deploy' }, history: [], last_version: 1, failed: null };
        state.services[recordKey(t, 'from-checkpoint')] = record as unknown as ServiceRecord;
        state.seq = seq;
        checkpointSeq = seq;
        await writeCheckpoint(local, state, at);
        // After the checkpoint, so that recovery replays it through the reducer.
        await events.append({ type: 'service_deployed', tenant: t, service_id: 'from-log', at, data });
      },
    });
    try {
      assert.equal(old.kernel.lastRecovery?.checkpoint_seq, checkpointSeq, 'recovery started from the old checkpoint');
      for (const id of ['from-log', 'from-checkpoint']) {
        const s = await waitFor(() => {
          const st = old.kernel.status(t, parseServiceId(id));
          return st.status === 'running' ? st : null;
        });
        assert.equal(s.limits.mailbox_len, SERVICE_LIMITS.mailbox_len.default, id);
        assert.equal(s.limits.circuit_crashes, SERVICE_LIMITS.circuit_crashes.default, id);
        assert.equal(s.usage?.mailbox_limit, SERVICE_LIMITS.mailbox_len.default, id);
        assert.deepEqual(await outcome(old.kernel.call(t, parseServiceId(id), {}, { timeoutMs: 10_000 })), { ok: true, reply: 1 });
      }
    } finally {
      await old.stop();
    }
  });
});
