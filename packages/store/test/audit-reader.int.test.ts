// Reading the batched audit trail over a real nats-server: limits, cursors and since count records, not messages;
// single-record messages written before batching read as before; a corrupt batch is reported with its place.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { JetStreamClient, NatsConnection } from 'nats';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { auditStream, auditSubject, parseTenantId } from '@solo/protocol';
import type { AuditRecord } from '@solo/protocol';
import { AuditStream, ensureStreams } from '@solo/store';
import type { AuditReadQuery } from '@solo/store';

const rec = (tenant: string | null, verb: string, over: Partial<AuditRecord> = {}): AuditRecord => ({
  at: new Date().toISOString(),
  door: 'rest',
  verb,
  tenant,
  token_id: null,
  outcome: 'ok',
  correlation_id: 'c-1',
  duration_ms: 0.5,
  ...over,
});

describe('AuditStream.read over batches', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let audit: AuditStream;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    await ensureStreams(nc);
    js = nc.jetstream();
    // Batches of 4, stored only on count or flush(), so the batch boundaries below are known.
    audit = await AuditStream.open(nc, { maxBatchRecords: 4, batchDelayMs: 1000 });
  });
  after(async () => {
    await audit.close();
    await nc.close();
    await srv.stop();
  });

  /** Writes a message the way versions before batching did: one record per message. */
  const publishOld = async (r: AuditRecord): Promise<void> => {
    await js.publish(auditSubject(parseTenantId(r.tenant as string)), JSON.stringify(r));
  };
  /** Reads page after page of `limit` records with the cursor until one is not truncated. */
  const readAll = async (q: Omit<AuditReadQuery, 'after'>): Promise<{ records: AuditRecord[]; verbs: string[]; pages: number }> => {
    const records: AuditRecord[] = [];
    let cursor: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await audit.read(cursor === undefined ? q : { ...q, after: cursor });
      records.push(...page.records);
      if (!page.truncated) return { records, verbs: records.map((r) => r.verb), pages };
      assert.ok(page.next !== undefined);
      cursor = page.next;
    }
  };
  const verbs = (n: number, prefix = 'v'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it('counts the limit in records and cuts a page inside a batch', async () => {
    const t = uniqueName();
    for (const v of verbs(10)) audit.append(rec(t, v));
    await audit.flush();
    const page = await audit.read({ tenant: t, limit: 3 });
    assert.deepEqual(page.records.map((r) => r.verb), ['v0', 'v1', 'v2']);
    assert.equal(page.truncated, true);
    assert.equal((await audit.read({ tenant: t, limit: 9 })).truncated, true);
    const whole = await audit.read({ tenant: t, limit: 10 });
    assert.equal(whole.records.length, 10);
    assert.equal(whole.truncated, false);
  });

  it('pages through batches with the cursor, each record exactly once, for every page size', async () => {
    const t = uniqueName();
    for (const v of verbs(10)) audit.append(rec(t, v));
    await audit.flush();
    for (const limit of [1, 2, 3, 4, 5, 7, 9, 10, 11]) {
      const got = await readAll({ tenant: t, limit });
      assert.deepEqual(got.verbs, verbs(10), `limit ${limit}`);
      assert.equal(got.pages, Math.max(1, Math.ceil(10 / limit)), `limit ${limit}`);
    }
  });

  it('returns nothing after the last record, and the same next cursor for an empty tail', async () => {
    const t = uniqueName();
    for (const v of verbs(4)) audit.append(rec(t, v));
    await audit.flush();
    const first = await audit.read({ tenant: t, limit: 10 });
    assert.ok(first.next !== undefined);
    assert.deepEqual(await audit.read({ tenant: t, limit: 10, after: first.next }), { records: [], truncated: false });
    // Records appended later continue after the cursor.
    audit.append(rec(t, 'later'));
    await audit.flush();
    assert.deepEqual((await audit.read({ tenant: t, limit: 10, after: first.next })).records.map((r) => r.verb), ['later']);
  });

  it('pages across tenants with the cursor, batches interleaved, losing and repeating nothing', async () => {
    const [a, b] = [uniqueName(), uniqueName()];
    for (let i = 0; i < 13; i++) audit.append(rec(i % 3 === 0 ? b : a, `v${i}`));
    await audit.flush();
    const since = new Date(Date.now() - 60_000);
    const whole = (await audit.read({ since, limit: 10_000 })).records;
    assert.equal(whole.length < 10_000, true);
    const paged = await readAll({ since, limit: 5 });
    assert.deepEqual(paged.records, whole);
    const of = (t: string): string[] => paged.records.filter((r) => r.tenant === t).map((r) => r.verb);
    assert.deepEqual(of(a), verbs(13).filter((_, i) => i % 3 !== 0));
    assert.deepEqual(of(b), verbs(13).filter((_, i) => i % 3 === 0));
  });

  it('reads single-record messages written before batching, mixed with batches, in stream order', async () => {
    const t = uniqueName();
    await publishOld(rec(t, 'old-0', { service_id: 'counter' }));
    await publishOld(rec(t, 'old-1'));
    for (const v of verbs(5, 'new')) audit.append(rec(t, v));
    await audit.flush();
    await publishOld(rec(t, 'old-2'));
    const want = ['old-0', 'old-1', ...verbs(5, 'new'), 'old-2'];
    const got = await audit.read({ tenant: t, limit: 100 });
    assert.deepEqual(got.records.map((r) => r.verb), want);
    assert.equal(got.records[0]?.service_id, 'counter');
    for (const limit of [1, 2, 3]) assert.deepEqual((await readAll({ tenant: t, limit })).verbs, want, `limit ${limit}`);
  });

  it('applies since to the time a batch was stored, and combines it with the cursor', async () => {
    const t = uniqueName();
    for (const v of verbs(3, 'before')) audit.append(rec(t, v));
    await audit.flush();
    // Every earlier batch is acknowledged, so the server stored it before this instant (same machine clock).
    const since = new Date(Date.now() + 2);
    await waitFor(() => Date.now() > since.getTime() + 1);
    for (const v of verbs(6, 'after')) audit.append(rec(t, v));
    await audit.flush();
    assert.deepEqual((await readAll({ tenant: t, since, limit: 4 })).verbs, verbs(6, 'after'));
    // A cursor from before since: the records between it and since are skipped.
    const first = await audit.read({ tenant: t, limit: 1 });
    assert.deepEqual((await audit.read({ tenant: t, since, limit: 100, after: first.next as string })).records.map((r) => r.verb), verbs(6, 'after'));
  });

  it('reports a corrupt batch as internal with its seq and index', async () => {
    const t = uniqueName();
    const subject = auditSubject(parseTenantId(t));
    const ack = await js.publish(subject, JSON.stringify({ v: 2, records: [rec(t, 'ok'), { ...rec(t, 'bad'), door: 'smtp' }] }));
    await assert.rejects(audit.read({ tenant: t, limit: 10 }), (err: { code?: string; details?: { seq?: number; index?: number } }) => {
      assert.equal(err.code, 'internal');
      assert.deepEqual(err.details, { seq: ack.seq, index: 1 });
      return true;
    });
    const u = uniqueName();
    const ack2 = await js.publish(auditSubject(parseTenantId(u)), JSON.stringify({ v: 9, records: [rec(u, 'future')] }));
    await assert.rejects(audit.read({ tenant: u, limit: 10 }), (err: { code?: string; details?: { seq?: number } }) => err.code === 'internal' && err.details?.seq === ack2.seq);
  });

  it('rejects a bad cursor with invalid_request before creating a consumer', async () => {
    const jsm = await nc.jetstreamManager();
    for (const after of ['', 'x', '0:0', '1', '-1:0', '1:-1', '1:2:3', '1.5:0', ' 1:0', '1:999999', '9999999999999999:0', 42, null]) {
      await assert.rejects(audit.read({ limit: 1, after: after as string }), (err: { code?: string; details?: { field?: string } }) => {
        assert.equal(err.code, 'invalid_request', String(after));
        assert.equal(err.details?.field, 'after', String(after));
        return true;
      });
    }
    assert.equal((await jsm.consumers.list(auditStream()).next()).length, 0);
  });
});
