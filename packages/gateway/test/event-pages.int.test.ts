// The `events` verb on a real node (issue #6): a service's 100 events of ~60 KiB read with limit 1000 answer with a
// partial page (`truncated`, `next_seq`) instead of a reply over NATS max_payload that never came; reading on from
// `next_seq` returns the rest, nothing lost or repeated. Also: the new limits through the deploy verb.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName, waitFor } from '@solo/testkit';
import { startNodeFixture, type NodeFixture } from './node-fixture.ts';

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

type Reply = Record<string, unknown>;
type Event = { seq: number; type: string; data: { type: string; payload: { i: number; pad: string } } };

/** Emits `count` events of `padBytes` of payload each in one call; replies how many ctx.emit let through. */
const EMITTER = `
export default {
  handleCall(msg, state, ctx) {
    let ok = 0;
    for (let i = 0; i < msg.count; i++) { ctx.emit('blob', { i: msg.from + i, pad: 'x'.repeat(msg.padBytes) }); ok++; }
    return { reply: ok, state };
  },
};`;

describe('events verb: pages bounded by bytes', () => {
  it('answers a read of 100 events of 60 KiB with partial pages that add up to all of them', async () => {
    const t = uniqueName();
    assert.equal((await f.api(t, 'deploy', { service_id: 'emitter', source: EMITTER }))['ok'], true);
    // The default rate (100 per second, burst 100) lets the whole burst through in one call.
    const r = await f.api(t, 'call', { service_id: 'emitter', message: { count: 100, from: 0, padBytes: 60 * 1024 }, timeout_ms: 30_000 });
    assert.deepEqual(r, { ok: true, reply: 100 });
    const query = { service_id: 'emitter', type: 'service_emitted', limit: 1000 };
    await waitFor(async () => {
      // Appends are acknowledged after the handler returned: wait until the last one is readable.
      let seen = 0;
      let since: number | undefined;
      for (;;) {
        const page = await f.api(t, 'events', since === undefined ? query : { ...query, since_seq: since });
        const events = page['events'] as Event[];
        if (events.length === 0) return seen === 100;
        seen += events.length;
        since = page['next_seq'] as number;
      }
    });

    const got: number[] = [];
    let pages = 0;
    let since: number | undefined;
    for (;;) {
      const page = await f.api(t, 'events', since === undefined ? query : { ...query, since_seq: since });
      assert.equal(page['ok'], true, JSON.stringify(page).slice(0, 300));
      const events = page['events'] as Event[];
      if (events.length === 0) {
        assert.equal(page['next_seq'], null);
        assert.equal(page['truncated'], false);
        break;
      }
      pages += 1;
      got.push(...events.map((e) => e.data.payload.i));
      assert.equal(page['next_seq'], (events.at(-1)?.seq ?? 0) + 1);
      // Every page but the last stops at the byte budget, far below limit.
      assert.equal(page['truncated'], got.length < 100, `page ${pages}: ${events.length} events`);
      since = page['next_seq'] as number;
    }
    assert.ok(pages > 1);
    assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => i));
  });

  it('reports truncated false on a page cut by its limit', async () => {
    const t = uniqueName();
    assert.equal((await f.api(t, 'deploy', { service_id: 'emitter', source: EMITTER }))['ok'], true);
    assert.deepEqual(await f.api(t, 'call', { service_id: 'emitter', message: { count: 5, from: 0, padBytes: 10 } }), { ok: true, reply: 5 });
    const page = await waitFor(async () => {
      const p = await f.api(t, 'events', { service_id: 'emitter', type: 'service_emitted', limit: 3 });
      return (p['events'] as Event[]).length === 3 ? p : undefined;
    });
    assert.equal(page['truncated'], false);
  });
});

describe('deploy verb: output limits', () => {
  it('takes the new limits and refuses them out of bounds with invalid_request', async () => {
    const t = uniqueName();
    const limits = { max_event_bytes: 2048, max_events_per_second: 7, max_log_lines_per_second: 9 };
    assert.equal((await f.api(t, 'deploy', { service_id: 'emitter', source: EMITTER, limits }))['ok'], true);
    const s = await f.api(t, 'status', { service_id: 'emitter' });
    const got = s['limits'] as Reply;
    assert.deepEqual([got['max_event_bytes'], got['max_events_per_second'], got['max_log_lines_per_second']], [2048, 7, 9]);
    assert.equal((s['usage'] as Reply)['events_per_second_limit'], 7);
    for (const bad of [{ max_event_bytes: 2 * 1024 * 1024 }, { max_events_per_second: 0 }, { max_log_lines_per_second: -1 }, { max_events_per_second: '5' }]) {
      const r = await f.api(uniqueName(), 'deploy', { service_id: 'emitter', source: EMITTER, limits: bad });
      assert.equal((r['error'] as { code?: string } | undefined)?.code, 'invalid_request', JSON.stringify(bad));
    }
    // A refused emit is a thrown limit_exceeded inside the handler: uncaught, it crashes the call.
    const big = await f.api(t, 'call', { service_id: 'emitter', message: { count: 1, from: 0, padBytes: 4096 } });
    const err = big['error'] as { code?: string; details?: Reply } | undefined;
    assert.equal(err?.code, 'service_crashed', JSON.stringify(big));
  });
});
