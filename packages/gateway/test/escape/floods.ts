// Floods a service can start from inside: thousands of timers, timers that breed, a million casts to itself,
// casts that breed, and log lines and events as fast as its CPU budget allows. Each must stay within its
// service's limits (`max_timers`, `mailbox_len`, `cpu_ms`, `max_event_bytes`, `max_events_per_second`,
// `max_log_lines_per_second`) while the node keeps answering other tenants.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';
import type { CaseProbe } from './case-probe.ts';
import type { EscapeCase } from './escape-case.ts';
import { HOSTILE_LIMITS } from './escape-case.ts';

/** Waits for a `resource_violation` of `limit` recorded for the case's service, and returns its usage in status. */
async function violated(p: CaseProbe, limit: string): Promise<Record<string, number>> {
  try {
    await p.until(async () => (await p.events('resource_violation', p.service)).some((e) => e.data['limit'] === limit));
  } catch {
    assert.fail(`no resource_violation of ${limit} was recorded; status: ${JSON.stringify(await p.status(p.service))}`);
  }
  const st = await p.status(p.service);
  assert.equal(st['ok'], true, JSON.stringify(st));
  return st['usage'] as Record<string, number>;
}

export const FLOODS: readonly EscapeCase[] = [
  {
    name: 'timer-flood',
    tries: '`ctx.setTimer` 5000 times in one handler (max_timers 100)',
    defence: 'limit',
    source: `export default {
  handleCall(msg, state, ctx) {
    let set = 0, code = null;
    try { for (let i = 0; i < 5000; i++) { ctx.setTimer(60000, { i }); set++; } } catch (e) { code = e.code; }
    return { reply: { set, code }, state };
  },
  handleInfo(msg, state) { return state; },
};`,
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'gets limit_exceeded from ctx.setTimer at max_timers',
      check: (reply: Json) => assert.deepEqual(reply, { set: HOSTILE_LIMITS.max_timers, code: 'limit_exceeded' }),
    },
  },
  {
    name: 'timer-storm',
    tries: 'every timer that fires sets two more at 0 ms (a timer fork bomb), running until it is killed',
    defence: 'limit',
    source: `export default {
  handleCall(msg, state, ctx) { ctx.setTimer(0, {}); ctx.setTimer(0, {}); return { reply: 'started', state }; },
  handleInfo(msg, state, ctx) {
    let refused = 0;
    for (let i = 0; i < 2; i++) { try { ctx.setTimer(0, {}); } catch (e) { refused++; } }
    return { fired: (state?.fired ?? 0) + 1, refused: (state?.refused ?? 0) + refused };
  },
};`,
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'contained',
      title: 'stays within max_timers and mailbox_len while it runs',
      async check(p) {
        const usage = await violated(p, 'max_timers');
        assert.ok(usage['timers']! <= usage['timers_limit']!, JSON.stringify(usage));
        // Fired timers wait in the actor's queue as info messages: the queue must stay bounded too.
        const later = (await p.status(p.service))['usage'] as Record<string, number>;
        assert.ok(
          later['mailbox_len']! <= later['mailbox_limit']!,
          `fired timers pile up in the mailbox: ${JSON.stringify(later)}`,
        );
      },
    },
  },
  {
    name: 'self-cast-flood',
    tries: 'a million `ctx.cast(self)` in one synchronous loop (mailbox_len 50)',
    defence: 'limit',
    source: `export default {
  handleCall(msg, state, ctx) {
    for (let i = 0; i < 1000000; i++) ctx.cast(ctx.self.service, { i }).catch(() => {});
    return { reply: 'flooded', state };
  },
  handleCast(msg, state) { return state; },
};`,
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
    async verify(p) {
      const usage = await violated(p, 'mailbox_len');
      assert.ok(usage['mailbox_len']! <= usage['mailbox_limit']!, JSON.stringify(usage));
    },
  },
  {
    name: 'cast-fork-bomb',
    tries: 'every cast it handles casts itself twice (exponential growth), running until it is killed',
    defence: 'limit',
    source: `export default {
  async handleCast(msg, state, ctx) {
    const r = await Promise.allSettled([ctx.cast(ctx.self.service, {}), ctx.cast(ctx.self.service, {})]);
    const refused = { ...(state?.refused ?? {}) };
    for (const x of r) if (x.status === 'rejected') refused[x.reason.code] = (refused[x.reason.code] ?? 0) + 1;
    return { handled: (state?.handled ?? 0) + 1, refused };
  },
  handleCall(msg, state) { return { reply: state, state }; },
};`,
    drive: { kind: 'cast', message: {} },
    outcome: {
      kind: 'contained',
      title: 'stays within mailbox_len while it runs (or is shed and dies out)',
      async check(p, answer) {
        assert.equal(answer['ok'], true, JSON.stringify(answer));
        // It hits its mailbox_len; or, on a node already under load, the load shedder refuses its casts and it dies out.
        let diedOut = false;
        await p.until(async () => {
          if ((await p.events('resource_violation', p.service)).some((e) => e.data['limit'] === 'mailbox_len'))
            return true;
          const r = await p.call(p.service, null);
          const st = (r['reply'] ?? null) as { refused?: Record<string, number> } | null;
          diedOut =
            (st?.refused?.['overloaded'] ?? 0) > 0 &&
            (st?.refused?.['limit_exceeded'] ?? 0) === 0 &&
            ((await p.status(p.service))['mailbox_length'] as number) === 0;
          return diedOut;
        });
        const usage = (await p.status(p.service))['usage'] as Record<string, number>;
        assert.ok(
          usage['mailbox_len']! <= usage['mailbox_limit']!,
          `${diedOut ? 'died out, ' : ''}${JSON.stringify(usage)}`,
        );
      },
    },
  },
  {
    name: 'log-flood',
    tries: '`ctx.log.info` with 256 KiB of data per line until its CPU budget runs out',
    defence: 'limit',
    source: `const blob = 'x'.repeat(256 * 1024);
export default { handleCall(msg, state, ctx) { for (let i = 0; ; i++) ctx.log.info('flood ' + i, { blob }); } };`,
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
    async verify(p) {
      // Each line is cut to 16 KiB (issue #6), never refused; the CPU limit ends the flood before the rate does.
      await p.until(async () => ((await p.status(p.service))['usage'] as Record<string, number>)['log_lines_truncated']! > 0);
    },
  },
  {
    name: 'log-rate-flood',
    tries: '`ctx.log.info` of short lines in a loop until its CPU budget runs out (max_log_lines_per_second 200)',
    defence: 'limit',
    source: `export default { handleCall(msg, state, ctx) { for (let i = 0; ; i++) ctx.log.info('flood ' + i); } };`,
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
    async verify(p) {
      // Lines beyond the rate are dropped (never thrown), counted, and reported by resource_violation events.
      const usage = await violated(p, 'max_log_lines_per_second');
      assert.ok(usage['log_lines_dropped']! > 0, JSON.stringify(usage));
    },
  },
  {
    name: 'emit-flood',
    tries: '`ctx.emit` with 60 KiB payloads into the event log until its CPU budget runs out, swallowing refusals',
    defence: 'limit',
    source: `const blob = 'x'.repeat(60 * 1024);
export default { handleCall(msg, state, ctx) { for (let i = 0; ; i++) { try { ctx.emit('flood', { i, blob }); } catch (e) { if (e.code !== 'limit_exceeded') throw e; } } } };`,
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
    async verify(p) {
      // Issue #6: it once wrote ~120 events of 64 KiB per 50 ms handler, without end. Now the rate refuses the
      // emits beyond its bucket (burst = rate, refilled while the handler runs).
      const usage = await violated(p, 'max_events_per_second');
      assert.ok(usage['events_refused']! > 0, JSON.stringify(usage));
    },
  },
  {
    name: 'emit-oversize',
    tries: '`ctx.emit` of a 256 KiB payload (max_event_bytes 64 KiB)',
    defence: 'limit',
    source: `export default {
  handleCall(msg, state, ctx) {
    try { ctx.emit('big', 'x'.repeat(256 * 1024)); return { reply: { code: null }, state }; }
    catch (e) { return { reply: { code: e.code, limit: e.details && e.details.limit }, state }; }
  },
};`,
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'gets limit_exceeded (max_event_bytes) from ctx.emit, and nothing is written',
      check: (reply: Json) => assert.deepEqual(reply, { code: 'limit_exceeded', limit: 'max_event_bytes' }),
    },
  },
];
