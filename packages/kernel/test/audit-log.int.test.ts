// AuditLog over a real audit stream: records are stored and exported, repeated denials raise one alert.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { ManualClock, startNatsServer, uniqueName } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import type { AuditRecord } from '@solo/protocol';
import { AuditStream, ensureStreams } from '@solo/store';
import { AuditLog } from '@solo/kernel';
import type { KernelLogger, SecurityAlert } from '@solo/kernel';

const rec = (tenant: string | null, outcome: string, over: Partial<AuditRecord> = {}): AuditRecord => ({
  at: new Date().toISOString(),
  door: 'nats',
  verb: 'deploy',
  tenant,
  token_id: null,
  outcome,
  correlation_id: uniqueName(),
  duration_ms: 0.5,
  ...over,
});

/** A logger that keeps what it was given, to check what the audit log reports. */
function keepingLogger(): KernelLogger & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  return {
    lines,
    info: (m) => lines.push(['info', m]),
    warn: (m) => lines.push(['warn', m]),
    error: (m) => lines.push(['error', m]),
  };
}

describe('AuditLog', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  let stream: AuditStream;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    await ensureStreams(nc);
    stream = await AuditStream.open(nc);
  });
  after(async () => {
    await nc.close();
    await srv.stop();
  });

  it('stores every record and exports them by tenant, oldest first', async () => {
    const audit = new AuditLog({ stream, onAlert: () => assert.fail('no alert expected') });
    const [a, b] = [uniqueName(), uniqueName()];
    audit.record(rec(a, 'ok', { verb: 'deploy', service_id: 'counter' }));
    audit.record(rec(b, 'ok'));
    audit.record(rec(a, 'not_found', { verb: 'kill' }));
    await audit.flush();
    const out = await audit.export({ tenant: a, limit: 10 });
    assert.deepEqual(out.records.map((r) => [r.verb, r.outcome, r.service_id]), [['deploy', 'ok', 'counter'], ['kill', 'not_found', undefined]]);
    assert.equal(out.truncated, false);
    assert.deepEqual((await audit.export({ tenant: a, limit: 1 })).truncated, true);
  });

  it('raises one alert on the 10th denial of a tenant in a minute, the next one a window later', async () => {
    const clock = new ManualClock();
    const alerts: SecurityAlert[] = [];
    const audit = new AuditLog({ stream, onAlert: (x) => alerts.push(x), now: () => clock.now() });
    const t = uniqueName();
    for (let i = 0; i < 9; i++) audit.record(rec(t, 'forbidden'));
    assert.equal(alerts.length, 0);
    audit.record(rec(t, 'unauthorized', { verb: 'call' }));
    assert.deepEqual(alerts, [{ key_kind: 'tenant', key: t, tenant: t, denials: 10, window_ms: 60_000, last_verb: 'call', last_outcome: 'unauthorized' }]);
    for (let i = 0; i < 20; i++) audit.record(rec(t, 'rate_limited'));
    assert.equal(alerts.length, 1);
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) audit.record(rec(t, 'forbidden'));
    assert.equal(alerts.length, 2);
    await audit.flush();
    // Denials are audited like any other request.
    assert.equal((await audit.export({ tenant: t, limit: 100 })).records.length, 40);
    assert.ok(audit.trackedKeys >= 1);
  });

  it('never throws from record: a failing onAlert is logged, a malformed record only counted', async () => {
    const log = keepingLogger();
    const audit = new AuditLog({ stream, onAlert: () => { throw new Error('event log down'); }, alertThreshold: 1, log });
    const t = uniqueName();
    const failedBefore = stream.failedAppends;
    assert.doesNotThrow(() => audit.record(rec(t, 'forbidden')));
    assert.doesNotThrow(() => audit.record(null as unknown as AuditRecord));
    await audit.flush();
    assert.deepEqual(log.lines, [['error', 'security alert not raised'], ['warn', 'audit record not checked for denials']]);
    assert.equal(stream.failedAppends, failedBefore + 1);
    assert.equal((await audit.export({ tenant: t, limit: 10 })).records.length, 1);
  });

  it('rejects a bad export query and bad alert options with invalid_request', async () => {
    const audit = new AuditLog({ stream, onAlert: () => undefined });
    await assert.rejects(audit.export({ tenant: 'NOT OK', limit: 1 }), { code: 'invalid_request' });
    await assert.rejects(audit.export({ since: new Date(Number.NaN), limit: 1 }), { code: 'invalid_request' });
    await assert.rejects(audit.export({ limit: 10_001 }), { code: 'invalid_request' });
    assert.throws(() => new AuditLog({ stream, onAlert: () => undefined, alertThreshold: 0 }), { code: 'invalid_request' });
    assert.throws(() => new AuditLog({ stream, onAlert: () => undefined, maxTrackedKeys: 0 }), { code: 'invalid_request' });
  });
});
