// A page of events or log lines is bounded by bytes as well as by count (issue #6): reading 1000 events of 60 KiB
// used to build a reply over NATS max_payload that never answered. Real nats-server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import type { EventInput } from '@solo/protocol';
import { EventLog, LogStream, READ_REPLY_BYTES, ensureStreams } from '@solo/store';

const emitted = (tenant: string, i: number, padBytes: number): EventInput => ({
  type: 'service_emitted',
  tenant,
  service_id: 'w',
  at: new Date().toISOString(),
  data: { type: 'blob', payload: { i, pad: 'x'.repeat(padBytes) } },
});

let srv: TestNatsServer;
let nc: NatsConnection;
before(async () => {
  srv = await startNatsServer();
  nc = await connect({ servers: srv.url });
  await ensureStreams(nc);
});
after(async () => {
  await nc.close();
  await srv.stop();
});

describe('EventLog.readPage', () => {
  let log: EventLog;
  before(async () => {
    log = await EventLog.open(nc);
  });

  /** Reads every page of `tenant` from the start with `limit`, returning the pages. */
  const readAll = async (tenant: string, limit: number) => {
    const pages: Array<{ seqs: number[]; bytes: number; truncated: boolean }> = [];
    let since: number | undefined;
    for (;;) {
      const page = await log.readPage({ tenant, limit, ...(since === undefined ? {} : { sinceSeq: since }) });
      if (page.events.length === 0) return pages;
      pages.push({ seqs: page.events.map((e) => e.seq), bytes: Buffer.byteLength(JSON.stringify(page.events)), truncated: page.truncated });
      since = (page.events.at(-1)?.seq ?? 0) + 1;
    }
  };

  it('stops at the byte budget with truncated, and reading on returns the rest, nothing lost or repeated', async () => {
    const t = uniqueName();
    const seqs: number[] = [];
    for (let i = 0; i < 100; i++) seqs.push(await log.append(emitted(t, i, 60 * 1024)));
    const pages = await readAll(t, 1000);
    assert.ok(pages.length >= 12, `${pages.length} pages`);
    assert.deepEqual(pages.flatMap((p) => p.seqs), seqs);
    for (const p of pages.slice(0, -1)) {
      assert.equal(p.truncated, true);
      assert.ok(p.seqs.length < 100);
    }
    assert.equal(pages.at(-1)?.truncated, false);
    for (const p of pages) assert.ok(p.bytes <= READ_REPLY_BYTES + 4096, `a page of ${p.bytes} bytes`);
    const events = (await log.read({ tenant: t, limit: 1000 })).map((e) => (e.data['payload'] as { i: number }).i);
    assert.deepEqual(events, Array.from({ length: events.length }, (_, i) => i));
  });

  it('returns an event larger than the whole budget alone, and moves on past it', async () => {
    const t = uniqueName();
    const small = await log.append(emitted(t, 0, 10));
    const huge = await log.append(emitted(t, 1, READ_REPLY_BYTES + 100 * 1024));
    const after = await log.append(emitted(t, 2, 10));
    const pages = await readAll(t, 1000);
    assert.deepEqual(
      pages.map((p) => [p.seqs, p.truncated]),
      [
        [[small], true],
        [[huge], true],
        [[after], false],
      ],
    );
  });

  it('pages small events by count only, never truncated', async () => {
    const t = uniqueName();
    const seqs: number[] = [];
    for (let i = 0; i < 250; i++) seqs.push(await log.append(emitted(t, i, 20)));
    const pages = await readAll(t, 100);
    assert.deepEqual(
      pages.map((p) => [p.seqs.length, p.truncated]),
      [
        [100, false],
        [100, false],
        [50, false],
      ],
    );
    assert.deepEqual(pages.flatMap((p) => p.seqs), seqs);
    const one = await log.readPage({ tenant: t, limit: 1000 });
    assert.deepEqual([one.events.length, one.truncated], [250, false]);
  });

  it('keeps the time bound with the byte budget', async () => {
    const t = uniqueName();
    await log.append(emitted(t, 0, 200 * 1024));
    // Stored times are in ns and the bound in ms: leave a whole ms on each side of it.
    const before = Date.now();
    await waitFor(() => Date.now() > before + 1);
    const since = new Date();
    await waitFor(() => Date.now() > since.getTime() + 1);
    const later: number[] = [];
    for (let i = 1; i <= 6; i++) later.push(await log.append(emitted(t, i, 200 * 1024)));
    let seen: number[] = [];
    let next = 1;
    for (;;) {
      const page = await log.readPage({ tenant: t, sinceSeq: next, sinceTime: since, limit: 1000 });
      if (page.events.length === 0) break;
      seen = seen.concat(page.events.map((e) => e.seq));
      next = (page.events.at(-1)?.seq ?? 0) + 1;
    }
    assert.deepEqual(seen, later);
  });
});

describe('LogStream.readPage', () => {
  it('stops at the byte budget with truncated, and reading on returns every line once', async () => {
    const logs = await LogStream.open(nc);
    const t = uniqueName();
    for (let i = 0; i < 120; i++) logs.append({ at: new Date().toISOString(), tenant: t, service_id: 'w', level: 'info', message: `line ${i}`, data: { pad: 'z'.repeat(15 * 1024) } });
    await logs.flush();
    const got: string[] = [];
    const cuts: boolean[] = [];
    let since: number | undefined;
    for (;;) {
      const page = await logs.readPage({ tenant: t, limit: 1000, ...(since === undefined ? {} : { sinceSeq: since }) });
      if (page.entries.length === 0) break;
      got.push(...page.entries.map((e) => e.message));
      cuts.push(page.truncated);
      since = (page.entries.at(-1)?.seq ?? 0) + 1;
    }
    assert.deepEqual(got, Array.from({ length: 120 }, (_, i) => `line ${i}`));
    assert.ok(cuts.length >= 4, String(cuts.length));
    assert.deepEqual(cuts, [...cuts.slice(0, -1).map(() => true), false]);
  });
});
