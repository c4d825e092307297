// Limits on what a service writes (issue #6): ctx.emit size, type and rate (refused inside the handler), ctx.log
// rate (dropped, counted and reported) and line size (cut), and the delay bound of ctx.setTimer; against a real
// kernel (nats-server, LMDB, isolates).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LOG_LINE_BYTES, MAX_TIMER_DELAY_MS, SERVICE_LIMITS, parseServiceId, type Json, type SoloEvent, type TenantId } from '@solo/protocol';
import { waitFor } from '@solo/testkit';
import { newTenant, outcome, startTestKernel, type TestKernel } from './admission-kernel.ts';

let k: TestKernel;
before(async () => {
  k = await startTestKernel();
});
after(async () => {
  await k?.stop();
});

/** Emits, logs or sets timers as asked, and reports what ctx threw. */
const WRITER_SOURCE = `
export default {
  init() { return {}; },
  handleCall(msg, state, ctx) {
    if (msg.emit) {
      const out = { ok: 0, codes: [], details: [] };
      for (let i = 0; i < msg.emit.count; i++) {
        try {
          ctx.emit(msg.emit.type === undefined ? 'tick' : msg.emit.type, msg.emit.size ? { pad: 'x'.repeat(msg.emit.size) } : { i });
          out.ok++;
        } catch (e) { out.codes.push(e.code); out.details.push(e.details === undefined ? null : e.details); }
      }
      return { reply: out, state };
    }
    if (msg.log) {
      for (let i = 0; i < msg.log.count; i++) ctx.log.info(msg.log.message === undefined ? 'line ' + i : msg.log.message, msg.log.size ? { blob: 'y'.repeat(msg.log.size) } : undefined);
      return { reply: 'logged', state };
    }
    if (msg.timer) {
      try { return { reply: { id: ctx.setTimer(msg.timer.ms, 'later', { durable: msg.timer.durable === true }) }, state }; }
      catch (e) { return { reply: { code: e.code === undefined ? e.name : e.code }, state }; }
    }
    return { reply: null, state };
  },
  handleInfo(msg, state) { return state; },
};
`;

type EmitReply = { ok: number; codes: string[]; details: Array<Record<string, unknown> | null> };
const call = async (t: TenantId, m: Json): Promise<Json> => {
  const r = await outcome(k.kernel.call(t, parseServiceId('w'), m, { timeoutMs: 10_000 }));
  assert.ok(r.ok, JSON.stringify(r));
  return r.reply;
};
const emit = async (t: TenantId, e: Record<string, Json>): Promise<EmitReply> => (await call(t, { emit: e })) as unknown as EmitReply;
const violations = (evs: SoloEvent[], limit: string) => evs.filter((e) => e.type === 'resource_violation' && e.data['limit'] === limit);
const emitted = async (t: TenantId) => k.events(t, 'service_emitted');
const usage = (t: TenantId) => {
  const u = k.kernel.status(t, parseServiceId('w')).usage;
  assert.ok(u !== undefined);
  return u;
};

describe('output limits at deploy', () => {
  it('refuses each new limit out of bounds with invalid_request and deploys nothing', async () => {
    const t = newTenant();
    const bad = [
      { max_event_bytes: 63 },
      { max_event_bytes: 1024 * 1024 + 1 },
      { max_event_bytes: 1000.5 },
      { max_events_per_second: 0 },
      { max_events_per_second: 10_001 },
      { max_log_lines_per_second: 0 },
      { max_log_lines_per_second: 1.5 },
    ];
    for (const limits of bad) {
      await assert.rejects(k.deploy(t, 'w', WRITER_SOURCE, { limits }), { code: 'invalid_request' }, JSON.stringify(limits));
      assert.throws(() => k.kernel.status(t, parseServiceId('w')), { code: 'not_found' });
    }
  });

  it('resolves them to their defaults and shows their usage in status', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WRITER_SOURCE);
    const s = k.kernel.status(t, parseServiceId('w'));
    assert.equal(s.limits.max_event_bytes, 64 * 1024);
    assert.equal(s.limits.max_events_per_second, SERVICE_LIMITS.max_events_per_second.default);
    assert.equal(s.limits.max_log_lines_per_second, SERVICE_LIMITS.max_log_lines_per_second.default);
    const u = usage(t);
    assert.deepEqual(
      [u.events_emitted, u.events_refused, u.event_budget_left, u.events_per_second_limit, u.log_lines_dropped, u.log_lines_truncated, u.log_budget_left, u.log_lines_per_second_limit],
      [0, 0, 100, 100, 0, 0, 200, 200],
    );
  });
});

describe('ctx.emit', () => {
  it('throws limit_exceeded inside the handler for an event over max_event_bytes, writes nothing, records one violation', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WRITER_SOURCE, { limits: { max_event_bytes: 1024 } });
    const big = await emit(t, { count: 1, size: 2000 });
    assert.equal(big.ok, 0);
    assert.deepEqual(big.codes, ['limit_exceeded']);
    assert.equal(big.details[0]?.['limit'], 'max_event_bytes');
    assert.equal(big.details[0]?.['limit_value'], 1024);
    assert.ok(Number(big.details[0]?.['value']) > 2000);
    assert.deepEqual(await emit(t, { count: 1, size: 500 }), { ok: 1, codes: [], details: [] });
    const ev = await waitFor(async () => violations(await k.events(t), 'max_event_bytes')[0]);
    assert.equal(ev.data['limit_value'], 1024);
    const written = await waitFor(async () => {
      const evs = await emitted(t);
      return evs.length === 1 ? evs : undefined;
    });
    assert.equal((written[0]?.data['payload'] as { pad: string }).pad.length, 500);
    assert.deepEqual([usage(t).events_emitted, usage(t).events_refused], [1, 1]);
  });

  it('refuses an empty type or one over 128 characters with invalid_request, and takes 128', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WRITER_SOURCE);
    for (const type of ['', 'x'.repeat(129)]) {
      const r = await emit(t, { count: 1, type });
      assert.deepEqual(r.codes, ['invalid_request'], JSON.stringify(type.length));
      assert.equal(r.details[0]?.['field'], 'type');
    }
    assert.equal((await emit(t, { count: 1, type: 'x'.repeat(128) })).ok, 1);
    const evs = await waitFor(async () => {
      const e = await emitted(t);
      return e.length > 0 ? e : undefined;
    });
    assert.deepEqual(
      evs.map((e) => e.data['type']),
      ['x'.repeat(128)],
    );
  });

  it('throws limit_exceeded with retry_after_ms beyond max_events_per_second, and writes only what it let through', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WRITER_SOURCE, { limits: { max_events_per_second: 3 } });
    const r = await emit(t, { count: 10 });
    // The burst is the rate; more pass only when the handler outlasts a refill (a slow machine).
    assert.ok(r.ok >= 3 && r.ok < 10, JSON.stringify(r));
    assert.equal(r.codes.length, 10 - r.ok);
    for (const [i, code] of r.codes.entries()) {
      assert.equal(code, 'limit_exceeded');
      assert.equal(r.details[i]?.['limit'], 'max_events_per_second');
      assert.ok(Number(r.details[i]?.['retry_after_ms']) > 0, JSON.stringify(r.details[i]));
    }
    await waitFor(async () => (await emitted(t)).length === r.ok);
    const v = await waitFor(async () => violations(await k.events(t), 'max_events_per_second'));
    assert.equal(v.length, 1, 'one violation event per second at most');
    assert.equal(v[0]?.data['limit_value'], 3);
    assert.deepEqual([usage(t).events_emitted, usage(t).events_refused, usage(t).events_per_second_limit], [r.ok, 10 - r.ok, 3]);
  });
});

describe('ctx.log', () => {
  it('drops lines beyond max_log_lines_per_second without throwing, counts them, and reports every drop', async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WRITER_SOURCE, { limits: { max_log_lines_per_second: 5 } });
    assert.equal(await call(t, { log: { count: 40 } }), 'logged');
    const dropped = usage(t).log_lines_dropped;
    assert.ok(dropped > 0 && dropped <= 35, String(dropped));
    const lines = await waitFor(async () => {
      const r = await k.kernel.logs(t, { service: parseServiceId('w'), limit: 100 });
      return r.entries.length === 40 - dropped ? r.entries : undefined;
    });
    assert.deepEqual(
      lines.slice(0, 5).map((l) => l.message),
      ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'],
    );
    // The first drop is reported at once, the rest of the flood by one more event once the second is over.
    const reports = await waitFor(async () => {
      const v = violations(await k.events(t), 'max_log_lines_per_second');
      return v.reduce((n, e) => n + Number(e.data['dropped']), 0) === dropped ? v : undefined;
    });
    assert.ok(reports.length <= 2, JSON.stringify(reports.map((e) => e.data)));
    assert.equal(reports[0]?.data['limit_value'], 5);
  });

  it(`cuts a line over ${MAX_LOG_LINE_BYTES} bytes instead of refusing it`, async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WRITER_SOURCE);
    assert.equal(await call(t, { log: { count: 1, message: 'big one', size: 100_000 } }), 'logged');
    const line = await waitFor(async () => (await k.kernel.logs(t, { service: parseServiceId('w') })).entries[0]);
    assert.equal(line.message, 'big one');
    const data = line.data as { truncated: boolean; original_bytes: number; head: string };
    assert.equal(data.truncated, true);
    assert.ok(data.original_bytes > 100_000);
    assert.ok(data.head.startsWith('{"blob":"yyy'));
    assert.ok(Buffer.byteLength(JSON.stringify(line.message) + JSON.stringify(line.data)) <= MAX_LOG_LINE_BYTES);
    assert.equal(usage(t).log_lines_truncated, 1);
  });
});

describe('ctx.setTimer delay', () => {
  it(`takes up to ${MAX_TIMER_DELAY_MS} ms (365 days), volatile or durable, and refuses more with invalid_request`, async () => {
    const t = newTenant();
    await k.deploy(t, 'w', WRITER_SOURCE, { durable: true });
    for (const durable of [false, true]) {
      const over = (await call(t, { timer: { ms: MAX_TIMER_DELAY_MS + 1, durable } })) as { code?: string };
      assert.equal(over.code, 'invalid_request', `durable ${durable}`);
      const year = (await call(t, { timer: { ms: MAX_TIMER_DELAY_MS, durable } })) as { id?: string };
      assert.equal(typeof year.id, 'string', `durable ${durable}`);
    }
    assert.equal(usage(t).timers, 2);
  });
});
