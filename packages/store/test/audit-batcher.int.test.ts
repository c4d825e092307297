// Audit batching over a real nats-server: records become one stream message per tenant per flush, on count, on
// bytes, on the timer, on flush() and close(); nothing is lost or reordered, and failures count records.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { auditStream, auditSubject, parseTenantId } from '@solo/protocol';
import type { AuditRecord } from '@solo/protocol';
import { AUDIT_READ_LIMIT, AuditStream, ensureStreams } from '@solo/store';
import type { AuditStreamOptions } from '@solo/store';
import { AUDIT_BATCH_OVERHEAD_BYTES, encodeAuditRecord } from '../src/audit-codec.ts';

const rec = (tenant: string | null, verb: string, over: Partial<AuditRecord> = {}): AuditRecord => ({
  at: new Date().toISOString(),
  door: 'nats',
  verb,
  tenant,
  token_id: 'tok_1',
  outcome: 'ok',
  correlation_id: 'c-1',
  duration_ms: 1.25,
  ...over,
});

describe('AuditStream batching', () => {
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

  /** Stream messages stored under one tenant's subject (a batch is one message). */
  const messagesOf = async (tenant: string): Promise<number> => {
    const subject = auditSubject(parseTenantId(tenant));
    const info = await (await nc.jetstreamManager()).streams.info(auditStream(), { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  };
  const verbsOf = async (audit: AuditStream, tenant: string): Promise<string[]> =>
    (await audit.read({ tenant, limit: AUDIT_READ_LIMIT.max })).records.map((r) => r.verb);
  const open = (o: AuditStreamOptions = {}): Promise<AuditStream> => AuditStream.open(nc, o);

  it('stores a burst of appends as one message and reads every record back in order', async () => {
    const audit = await open();
    const t = uniqueName();
    for (let i = 0; i < 100; i++) audit.append(rec(t, `v${i}`));
    assert.equal(audit.pendingAppends, 100);
    await audit.flush();
    assert.equal(audit.pendingAppends, 0);
    assert.equal(audit.failedAppends, 0);
    assert.equal(await messagesOf(t), 1);
    assert.deepEqual(await verbsOf(audit, t), Array.from({ length: 100 }, (_, i) => `v${i}`));
    await audit.close();
  });

  it('keeps one batch per tenant and each tenant in order when appends interleave', async () => {
    const audit = await open();
    const [a, b] = [uniqueName(), uniqueName()];
    for (let i = 0; i < 20; i++) audit.append(rec(i % 3 === 0 ? b : a, `v${i}`));
    await audit.flush();
    assert.deepEqual([await messagesOf(a), await messagesOf(b)], [1, 1]);
    const all = Array.from({ length: 20 }, (_, i) => `v${i}`);
    assert.deepEqual(await verbsOf(audit, a), all.filter((_, i) => i % 3 !== 0));
    assert.deepEqual(await verbsOf(audit, b), all.filter((_, i) => i % 3 === 0));
    await audit.close();
  });

  it('stores a batch as soon as it holds maxBatchRecords records', async () => {
    const audit = await open({ maxBatchRecords: 10, batchDelayMs: 1000 });
    const t = uniqueName();
    for (let i = 0; i < 25; i++) audit.append(rec(t, `v${i}`));
    // Two full batches left at once; flush() stores the last 5 as a third (one batch of 25 without the bound).
    await audit.flush();
    assert.equal(await messagesOf(t), 3);
    assert.deepEqual(await verbsOf(audit, t), Array.from({ length: 25 }, (_, i) => `v${i}`));
    await audit.close();
  });

  it('stores a batch before a record would take it past maxBatchBytes', async () => {
    const r = rec(uniqueName(), 'sized');
    const bytes = Buffer.byteLength(encodeAuditRecord(r).payload) + 1;
    // Room for exactly two records of this size: 10 records make 5 messages.
    const audit = await open({ maxBatchBytes: AUDIT_BATCH_OVERHEAD_BYTES + 2 * bytes, batchDelayMs: 1000 });
    for (let i = 0; i < 10; i++) audit.append({ ...r, correlation_id: `c-${i}` });
    await audit.flush();
    assert.equal(await messagesOf(r.tenant as string), 5);
    const got = (await audit.read({ tenant: r.tenant, limit: 100 })).records.map((x) => x.correlation_id);
    assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `c-${i}`));
    await audit.close();
  });

  it('stores a record larger than maxBatchBytes alone, between the batches around it', async () => {
    const audit = await open({ maxBatchBytes: 300, batchDelayMs: 1000 });
    const t = uniqueName();
    audit.append(rec(t, 'small-1'));
    audit.append(rec(t, 'big', { service_id: 's'.repeat(250), outcome: 'o'.repeat(250) }));
    audit.append(rec(t, 'small-2'));
    await audit.flush();
    assert.equal(audit.failedAppends, 0);
    assert.equal(await messagesOf(t), 3);
    assert.deepEqual(await verbsOf(audit, t), ['small-1', 'big', 'small-2']);
    await audit.close();
  });

  it('stores buffered records when the timer fires, without flush', async () => {
    const audit = await open({ batchDelayMs: 5 });
    const t = uniqueName();
    for (let i = 0; i < 3; i++) audit.append(rec(t, `v${i}`));
    await waitFor(async () => (await verbsOf(audit, t)).length === 3, { timeoutMs: 10_000 });
    assert.equal(await messagesOf(t), 1);
    assert.deepEqual(await verbsOf(audit, t), ['v0', 'v1', 'v2']);
    await audit.close();
  });

  it('batches nothing with maxBatchRecords 1 and stores at once with batchDelayMs 0', async () => {
    const one = await open({ maxBatchRecords: 1 });
    const t = uniqueName();
    for (let i = 0; i < 4; i++) one.append(rec(t, `v${i}`));
    await one.flush();
    assert.equal(await messagesOf(t), 4);
    await one.close();
    const now = await open({ batchDelayMs: 0 });
    const u = uniqueName();
    now.append(rec(u, 'soon'));
    await waitFor(async () => (await verbsOf(now, u)).length === 1, { timeoutMs: 10_000 });
    await now.close();
  });

  it('loses nothing buffered on close, and counts appends after it as failed', async () => {
    const audit = await open({ batchDelayMs: 1000 });
    const [a, b] = [uniqueName(), uniqueName()];
    for (let i = 0; i < 50; i++) audit.append(rec(i % 2 === 0 ? a : b, `v${i}`));
    await audit.close();
    assert.equal(audit.pendingAppends, 0);
    assert.equal(audit.failedAppends, 0);
    audit.append(rec(a, 'late'));
    assert.equal(audit.failedAppends, 1);
    const reader = await open();
    assert.equal((await verbsOf(reader, a)).length, 25);
    assert.equal((await verbsOf(reader, b)).length, 25);
    await reader.close();
  });

  it('counts every record of a batch the server refuses', async () => {
    const other = await startNatsServer();
    const nc2 = await connect({ servers: other.url });
    try {
      await ensureStreams(nc2);
      const audit = await AuditStream.open(nc2);
      await (await nc2.jetstreamManager()).streams.delete(auditStream());
      for (let i = 0; i < 5; i++) audit.append(rec('acme', `refused-${i}`));
      audit.append(rec(null, 'refused'));
      await audit.flush();
      assert.equal(audit.failedAppends, 6);
      assert.equal(audit.pendingAppends, 0);
      await audit.close();
    } finally {
      await nc2.close();
      await other.stop();
    }
  });

  it('counts buffered records against maxPendingAppends', async () => {
    const audit = await open({ maxPendingAppends: 3, batchDelayMs: 1000 });
    const t = uniqueName();
    for (let i = 0; i < 5; i++) audit.append(rec(t, `v${i}`));
    assert.equal(audit.pendingAppends, 3);
    assert.equal(audit.failedAppends, 2);
    await audit.flush();
    assert.deepEqual(await verbsOf(audit, t), ['v0', 'v1', 'v2']);
    await audit.close();
  });

  it('keeps the default batch under half of a small server max_payload', async () => {
    const other = await startNatsServer({ extraConfig: 'max_payload: 4096' });
    const nc2 = await connect({ servers: other.url });
    try {
      await ensureStreams(nc2);
      await assert.rejects(AuditStream.open(nc2, { maxBatchBytes: 2049 }), { code: 'invalid_request' });
      const audit = await AuditStream.open(nc2);
      for (let i = 0; i < 100; i++) audit.append(rec('acme', `v${i}`));
      await audit.flush();
      assert.equal(audit.failedAppends, 0);
      assert.equal((await audit.read({ tenant: 'acme', limit: 1000 })).records.length, 100);
      await audit.close();
    } finally {
      await nc2.close();
      await other.stop();
    }
  });

  it('rejects out-of-range batch options with invalid_request naming the field', async () => {
    const bad: Array<[AuditStreamOptions, string]> = [
      [{ maxBatchRecords: 0 }, 'maxBatchRecords'],
      [{ maxBatchRecords: 10_001 }, 'maxBatchRecords'],
      [{ maxBatchRecords: 2.5 }, 'maxBatchRecords'],
      [{ maxBatchBytes: 0 }, 'maxBatchBytes'],
      // The cap is half of the server's max_payload (testkit configures 8 MB).
      [{ maxBatchBytes: Math.floor((nc.info?.max_payload ?? 0) / 2) + 1 }, 'maxBatchBytes'],
      [{ maxBatchBytes: Number.NaN }, 'maxBatchBytes'],
      [{ batchDelayMs: -1 }, 'batchDelayMs'],
      [{ batchDelayMs: 1001 }, 'batchDelayMs'],
      [{ batchDelayMs: 0.5 }, 'batchDelayMs'],
      [{ batchDelayMs: '5' as unknown as number }, 'batchDelayMs'],
    ];
    for (const [o, field] of bad) {
      await assert.rejects(open(o), (err: { code?: string; details?: { field?: string } }) => {
        assert.equal(err.code, 'invalid_request', field);
        assert.equal(err.details?.field, field);
        return true;
      });
    }
  });
});
