import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, RetentionPolicy, StorageType } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { auditStream, deadLetterStream, eventsStream, logsStream, mailboxStream } from '@solo/protocol';
import { EventLog, ensureStreams } from '@solo/store';

describe('ensureStreams', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
  });
  after(async () => {
    await nc.close();
    await srv.stop();
  });

  it('creates the five streams with their retention and limits', async () => {
    await ensureStreams(nc, { logsMaxAgeMs: 60_000 });
    const jsm = await nc.jetstreamManager();
    const events = await jsm.streams.info(eventsStream());
    assert.equal(events.config.retention, RetentionPolicy.Limits);
    assert.equal(events.config.storage, StorageType.File);
    assert.equal(events.config.duplicate_window, 120_000_000_000);
    assert.equal((await jsm.streams.info(mailboxStream())).config.retention, RetentionPolicy.Workqueue);
    const logs = await jsm.streams.info(logsStream());
    assert.equal(logs.config.max_age, 60_000_000_000);
    assert.equal(logs.config.max_bytes, 1024 * 1024 * 1024);
    assert.equal((await jsm.streams.info(deadLetterStream())).config.retention, RetentionPolicy.Limits);
    const audit = await jsm.streams.info(auditStream());
    assert.equal(audit.config.retention, RetentionPolicy.Limits);
    assert.equal(audit.config.storage, StorageType.File);
    assert.equal(audit.config.max_age, 90 * 86_400_000 * 1_000_000);
    assert.equal(audit.config.max_bytes, 1024 * 1024 * 1024);
  });

  it('is idempotent and keeps stored data', async () => {
    await ensureStreams(nc, { logsMaxAgeMs: 60_000 });
    const log = await EventLog.open(nc);
    const seq = await log.append({ type: 'node_started', tenant: null, service_id: null, at: new Date().toISOString(), data: {} });
    await ensureStreams(nc, { logsMaxAgeMs: 60_000 });
    await Promise.all([ensureStreams(nc, { logsMaxAgeMs: 60_000 }), ensureStreams(nc, { logsMaxAgeMs: 60_000 })]);
    assert.equal(await log.lastSeq(), seq);
  });

  it('updates a changed limit in place', async () => {
    await ensureStreams(nc, { logsMaxAgeMs: 120_000, auditMaxAgeMs: 3650 * 86_400_000, auditMaxBytes: 1024 * 1024 });
    const jsm = await nc.jetstreamManager();
    assert.equal((await jsm.streams.info(logsStream())).config.max_age, 120_000_000_000);
    const audit = (await jsm.streams.info(auditStream())).config;
    assert.equal(audit.max_age, 3650 * 86_400_000 * 1_000_000);
    assert.equal(audit.max_bytes, 1024 * 1024);
    await ensureStreams(nc, { logsMaxAgeMs: 120_000 });
  });

  it('rejects bad options before touching NATS', async () => {
    await assert.rejects(ensureStreams(nc, { logsMaxAgeMs: 0 }), { code: 'invalid_request' });
    await assert.rejects(ensureStreams(nc, { replicas: 2.5 }), { code: 'invalid_request' });
    await assert.rejects(ensureStreams(nc, { logsMaxBytes: -1 }), { code: 'invalid_request' });
    await assert.rejects(ensureStreams(nc, { auditMaxAgeMs: 0 }), { code: 'invalid_request' });
    await assert.rejects(ensureStreams(nc, { auditMaxAgeMs: 3651 * 86_400_000 }), { code: 'invalid_request' });
    await assert.rejects(ensureStreams(nc, { auditMaxBytes: 1.5 }), { code: 'invalid_request' });
    const jsm = await nc.jetstreamManager();
    assert.equal((await jsm.streams.info(logsStream())).config.max_age, 120_000_000_000);
  });

  it('refuses to open a stream that does not exist yet', async () => {
    const other = await startNatsServer();
    const nc2 = await connect({ servers: other.url });
    try {
      await assert.rejects(EventLog.open(nc2), { code: 'unavailable' });
    } finally {
      await nc2.close();
      await other.stop();
    }
  });

  it('reports unavailable when the connection is closed', async () => {
    const nc2 = await connect({ servers: srv.url });
    await nc2.close();
    await assert.rejects(ensureStreams(nc2), { code: 'unavailable' });
  });
});
