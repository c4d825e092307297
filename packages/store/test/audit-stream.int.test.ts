// The audit stream over a real nats-server: append without waiting, failures counted, read by tenant, since and limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { auditStream } from '@solo/protocol';
import type { AuditRecord } from '@solo/protocol';
import { AUDIT_READ_LIMIT, AuditStream, MAX_AUDIT_FIELD_CHARS, ensureStreams } from '@solo/store';

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

describe('AuditStream', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  let audit: AuditStream;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    await ensureStreams(nc);
    audit = await AuditStream.open(nc);
  });
  after(async () => {
    await nc.close();
    await srv.stop();
  });

  const consumerCount = async (): Promise<number> => {
    const jsm = await nc.jetstreamManager();
    return (await jsm.consumers.list(auditStream()).next()).length;
  };

  it('round-trips every field of a record', async () => {
    const t = uniqueName();
    const full = rec(t, 'deploy', { door: 'grpc', outcome: 'forbidden', service_id: 'counter', correlation_id: 'c-42', duration_ms: 0 });
    const anonymous = rec(t, 'list', { token_id: null });
    audit.append(full);
    audit.append(anonymous);
    await audit.flush();
    assert.equal(audit.failedAppends, 0);
    assert.equal(audit.pendingAppends, 0);
    const got = await audit.read({ tenant: t, limit: 10 });
    assert.deepEqual(got.records, [full, anonymous]);
    assert.equal(got.truncated, false);
    assert.match(got.next ?? '', /^[0-9]+:1$/);
    assert.equal(await consumerCount(), 0);
  });

  it('isolates tenants, and files records without a valid tenant under null', async () => {
    const [a, b] = [uniqueName(), uniqueName()];
    const marker = uniqueName();
    audit.append(rec(a, 'deploy'));
    audit.append(rec(b, 'kill'));
    audit.append(rec(a, 'call'));
    audit.append(rec(null, 'tenant_create', { correlation_id: marker }));
    audit.append(rec('Not A Tenant', 'deploy', { correlation_id: marker, outcome: 'unauthorized' }));
    await audit.flush();
    assert.deepEqual((await audit.read({ tenant: a, limit: 10 })).records.map((r) => r.verb), ['deploy', 'call']);
    assert.deepEqual((await audit.read({ tenant: b, limit: 10 })).records.map((r) => r.verb), ['kill']);
    const tenantless = (await audit.read({ tenant: null, limit: AUDIT_READ_LIMIT.max })).records.filter((r) => r.correlation_id === marker);
    assert.deepEqual(tenantless.map((r) => [r.tenant, r.verb]), [[null, 'tenant_create'], ['Not A Tenant', 'deploy']]);
    const all = (await audit.read({ limit: AUDIT_READ_LIMIT.max })).records;
    assert.ok(all.some((r) => r.tenant === a) && all.some((r) => r.tenant === b) && all.some((r) => r.correlation_id === marker));
  });

  it('starts at since and skips records stored before it', async () => {
    const t = uniqueName();
    for (let i = 0; i < 3; i++) audit.append(rec(t, `before-${i}`));
    await audit.flush();
    // Every earlier record is acknowledged, so the server stored it before this instant (same machine clock).
    const since = new Date(Date.now() + 2);
    await waitFor(() => Date.now() > since.getTime() + 1);
    for (let i = 0; i < 2; i++) audit.append(rec(t, `after-${i}`));
    await audit.flush();
    const got = await audit.read({ tenant: t, since, limit: 10 });
    assert.deepEqual(got.records.map((r) => r.verb), ['after-0', 'after-1']);
    assert.equal((await audit.read({ tenant: t, since: new Date(0), limit: 10 })).records.length, 5);
    assert.deepEqual(await audit.read({ tenant: t, since: new Date(Date.now() + 60_000), limit: 10 }), { records: [], truncated: false });
  });

  it('stops at limit and says whether more matched', async () => {
    const t = uniqueName();
    for (let i = 0; i < 5; i++) audit.append(rec(t, `v${i}`));
    await audit.flush();
    const page = await audit.read({ tenant: t, limit: 3 });
    assert.deepEqual(page.records.map((r) => r.verb), ['v0', 'v1', 'v2']);
    assert.equal(page.truncated, true);
    assert.equal((await audit.read({ tenant: t, limit: 5 })).truncated, false);
    assert.equal((await audit.read({ tenant: t, limit: 4 })).truncated, true);
    assert.deepEqual(await audit.read({ tenant: uniqueName(), limit: 1 }), { records: [], truncated: false });
    assert.equal(await consumerCount(), 0);
  });

  it('stores 10000 appends made without awaiting, all readable after flush', async () => {
    const t = uniqueName();
    const before = audit.failedAppends;
    for (let i = 0; i < 10_000; i++) audit.append(rec(t, 'call', { correlation_id: `c-${i}` }));
    await audit.flush();
    assert.equal(audit.failedAppends, before);
    const got = await audit.read({ tenant: t, limit: AUDIT_READ_LIMIT.max });
    assert.equal(got.records.length, 10_000);
    assert.equal(got.truncated, false);
    assert.ok(got.records.every((r, i) => r.correlation_id === `c-${i}`));
  });

  it('clips long fields instead of dropping the record', async () => {
    const t = uniqueName();
    audit.append(rec(t, 'v'.repeat(100_000), { service_id: 's'.repeat(1000), outcome: 'x'.repeat(300) }));
    await audit.flush();
    const [r] = (await audit.read({ tenant: t, limit: 1 })).records;
    assert.equal(r?.verb.length, MAX_AUDIT_FIELD_CHARS);
    assert.equal(r?.service_id?.length, MAX_AUDIT_FIELD_CHARS);
    assert.ok(r?.outcome.endsWith('…'));
  });

  it('counts malformed records instead of throwing', async () => {
    const t = uniqueName();
    const before = audit.failedAppends;
    audit.append(rec(t, 'x', { at: 'yesterday' }));
    audit.append(rec(t, 'x', { door: 'smtp' as AuditRecord['door'] }));
    audit.append(rec(t, 'x', { duration_ms: Number.NaN }));
    audit.append(rec(t, 'x', { verb: 42 as unknown as string }));
    audit.append(null as unknown as AuditRecord);
    await audit.flush();
    assert.equal(audit.failedAppends, before + 5);
    assert.deepEqual(await audit.read({ tenant: t, limit: 10 }), { records: [], truncated: false });
  });

  it('counts appends that NATS does not store', async () => {
    const nc2 = await connect({ servers: srv.url });
    const audit2 = await AuditStream.open(nc2);
    await nc2.close();
    audit2.append(rec('acme', 'lost'));
    await audit2.flush();
    assert.equal(audit2.failedAppends, 1);
  });

  it('counts appends the server refuses because no stream captures them', async () => {
    const other = await startNatsServer();
    const nc2 = await connect({ servers: other.url });
    try {
      await ensureStreams(nc2);
      const audit2 = await AuditStream.open(nc2);
      await (await nc2.jetstreamManager()).streams.delete(auditStream());
      audit2.append(rec('acme', 'refused'));
      audit2.append(rec(null, 'refused'));
      await audit2.flush();
      assert.equal(audit2.failedAppends, 2);
      assert.equal(audit2.pendingAppends, 0);
      await audit2.close();
    } finally {
      await nc2.close();
      await other.stop();
    }
  });

  it('counts appends whose acknowledgement never arrives once ackTimeoutMs passed', async () => {
    const other = await startNatsServer();
    const nc2 = await connect({ servers: other.url, maxReconnectAttempts: -1 });
    try {
      await ensureStreams(nc2);
      const audit2 = await AuditStream.open(nc2, { ackTimeoutMs: 200 });
      await other.stop();
      audit2.append(rec('acme', 'unacked'));
      assert.equal(audit2.pendingAppends, 1);
      await audit2.flush();
      assert.equal(audit2.failedAppends, 1);
      assert.equal(audit2.pendingAppends, 0);
    } finally {
      await nc2.close();
      await other.stop();
    }
  });

  it('counts appends after close as failed, and closes idempotently', async () => {
    const closing = await AuditStream.open(nc);
    const t = uniqueName();
    closing.append(rec(t, 'kept'));
    await closing.close();
    await closing.close();
    closing.append(rec(t, 'late'));
    assert.equal(closing.failedAppends, 1);
    assert.deepEqual((await audit.read({ tenant: t, limit: 10 })).records.map((r) => r.verb), ['kept']);
  });

  it('drops appends beyond maxPendingAppends, buffered ones included', async () => {
    const small = await AuditStream.open(nc, { maxPendingAppends: 2 });
    const t = uniqueName();
    for (let i = 0; i < 5; i++) small.append(rec(t, `m${i}`));
    await small.flush();
    assert.equal(small.failedAppends, 3);
    assert.equal((await small.read({ tenant: t, limit: 10 })).records.length, 2);
  });

  it('rejects invalid queries and options with invalid_request before creating a consumer', async () => {
    const bad: Array<[string, unknown, string]> = [
      ['a bad tenant id', { tenant: 'Bad Tenant', limit: 1 }, 'tenant'],
      ['a wildcard tenant', { tenant: '*', limit: 1 }, 'tenant'],
      ['an invalid date', { since: new Date('nope'), limit: 1 }, 'since'],
      ['a date string', { since: '2024-01-01T00:00:00Z', limit: 1 }, 'since'],
      ['a zero limit', { limit: 0 }, 'limit'],
      ['a limit over 10000', { limit: AUDIT_READ_LIMIT.max + 1 }, 'limit'],
      ['a fractional limit', { limit: 2.5 }, 'limit'],
      ['no limit', {}, 'limit'],
      ['no query', null, 'limit'],
    ];
    for (const [why, q, field] of bad) {
      await assert.rejects(audit.read(q as Parameters<AuditStream['read']>[0]), (err: { code?: string; details?: { field?: string } }) => {
        assert.equal(err.code, 'invalid_request', why);
        assert.equal(err.details?.field, field, why);
        return true;
      });
    }
    assert.equal(await consumerCount(), 0);
    await assert.rejects(AuditStream.open(nc, { maxPendingAppends: 0 }), { code: 'invalid_request' });
    await assert.rejects(AuditStream.open(nc, { maxPendingAppends: 1.5 }), { code: 'invalid_request' });
    await assert.rejects(AuditStream.open(nc, { ackTimeoutMs: 0 }), { code: 'invalid_request' });
    await assert.rejects(AuditStream.open(nc, { inboxPrefix: 'bad prefix.>' }), { code: 'invalid_request' });
  });

  it('refuses to open before ensureStreams created the stream', async () => {
    const other = await startNatsServer();
    const nc2 = await connect({ servers: other.url });
    try {
      await assert.rejects(AuditStream.open(nc2), { code: 'unavailable' });
    } finally {
      await nc2.close();
      await other.stop();
    }
  });
});
