import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { logsStream } from '@solo/protocol';
import type { LogEntry } from '@solo/protocol';
import { LogStream, ensureStreams } from '@solo/store';

const line = (tenant: string, service: string, message: string, level: LogEntry['level'] = 'info'): Omit<LogEntry, 'seq'> => ({
  at: new Date().toISOString(),
  tenant,
  service_id: service,
  level,
  message,
});

describe('LogStream', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  let logs: LogStream;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    await ensureStreams(nc);
    logs = await LogStream.open(nc);
  });
  after(async () => {
    await nc.close();
    await srv.stop();
  });

  const consumerCount = async (): Promise<number> => {
    const jsm = await nc.jetstreamManager();
    return (await jsm.consumers.list(logsStream()).next()).length;
  };

  it('appends without waiting, flushes, and reads per tenant and service in order', async () => {
    const t = uniqueName();
    for (let i = 0; i < 20; i++) logs.append(line(t, i % 2 === 0 ? 'even' : 'odd', `line ${i}`));
    logs.append({ ...line(t, 'even', 'with data', 'warn'), data: { k: [1, 2] } });
    await logs.flush();
    assert.equal(logs.failedAppends, 0);
    const all = await logs.read({ tenant: t, limit: 1000 });
    assert.equal(all.length, 21);
    assert.ok(all.every((e, i) => i === 0 || e.seq > all[i - 1]!.seq));
    const even = await logs.read({ tenant: t, service: 'even' });
    assert.equal(even.length, 11);
    assert.deepEqual(even.at(-1)?.data, { k: [1, 2] });
    assert.equal(even.at(-1)?.level, 'warn');
    const page = await logs.read({ tenant: t, service: 'odd', sinceSeq: even[5]!.seq, limit: 2 });
    assert.deepEqual(page.map((e) => e.message), ['line 11', 'line 13']);
    assert.deepEqual(await logs.read({ tenant: uniqueName() }), []);
    assert.equal(await consumerCount(), 0);
  });

  it('counts invalid appends instead of throwing', async () => {
    const before = logs.failedAppends;
    logs.append(line('Bad Tenant', 's', 'x'));
    logs.append(line('ok', 's', 'x', 'loud' as LogEntry['level']));
    logs.append({ ...line('ok', 's', 'x'), data: { n: 1n } as never });
    await logs.flush();
    assert.equal(logs.failedAppends, before + 3);
  });

  it('counts appends that NATS does not store', async () => {
    const nc2 = await connect({ servers: srv.url });
    const logs2 = await LogStream.open(nc2);
    await nc2.close();
    logs2.append(line('ok', 's', 'lost'));
    await logs2.flush();
    assert.equal(logs2.failedAppends, 1);
  });

  it('drops appends beyond maxPendingAppends', async () => {
    const small = await LogStream.open(nc, { maxPendingAppends: 2 });
    const t = uniqueName();
    for (let i = 0; i < 5; i++) small.append(line(t, 's', `m${i}`));
    await small.flush();
    assert.equal(small.failedAppends, 3);
    assert.equal((await small.read({ tenant: t })).length, 2);
  });

  it('tails new lines and deletes its consumer on stop', async () => {
    const t = uniqueName();
    logs.append(line(t, 's', 'before'));
    await logs.flush();
    const tail = logs.tail({ tenant: t, service: 's' });
    await tail.ready();
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of tail) seen.push(e.message);
    })();
    logs.append(line(t, 's', 'after-1'));
    logs.append(line(t, 'other', 'not mine'));
    logs.append(line(t, 's', 'after-2'));
    await waitFor(() => seen.length === 2);
    await tail.stop();
    await done;
    assert.deepEqual(seen, ['after-1', 'after-2']);
    assert.equal(await consumerCount(), 0);
  });

  it('tails from sinceSeq', async () => {
    const t = uniqueName();
    logs.append(line(t, 's', 'a'));
    logs.append(line(t, 's', 'b'));
    await logs.flush();
    const [first] = await logs.read({ tenant: t });
    const tail = logs.tail({ tenant: t }, { sinceSeq: first!.seq });
    const seen: string[] = [];
    for await (const e of tail) {
      seen.push(e.message);
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ['a', 'b']);
    await waitFor(async () => (await consumerCount()) === 0);
  });

  it('rejects invalid filters and options with invalid_request', async () => {
    await assert.rejects(logs.read({ tenant: 'NO' }), { code: 'invalid_request' });
    await assert.rejects(logs.read({ tenant: 'ok', service: 'a b' }), { code: 'invalid_request' });
    await assert.rejects(logs.read({ tenant: 'ok', limit: 1001 }), { code: 'invalid_request' });
    await assert.rejects(logs.read({ tenant: 'ok', sinceSeq: 1.5 }), { code: 'invalid_request' });
    assert.throws(() => logs.tail({ tenant: '*' }), { code: 'invalid_request' });
    await assert.rejects(LogStream.open(nc, { maxPendingAppends: 0 }), { code: 'invalid_request' });
  });
});
