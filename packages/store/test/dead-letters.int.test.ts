import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer, uniqueName } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { parseServiceId, parseTenantId } from '@solo/protocol';
import type { ServiceId, TenantId, WireError } from '@solo/protocol';
import { DeadLetters, ensureStreams } from '@solo/store';

const reason: WireError = { code: 'service_crashed', message: 'handler threw' };

describe('DeadLetters', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  let dlq: DeadLetters;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    await ensureStreams(nc);
    dlq = await DeadLetters.open(nc);
  });
  after(async () => {
    await nc.close();
    await srv.stop();
  });

  it('stores dead letters and reads them per tenant or per service', async () => {
    const t = parseTenantId(uniqueName());
    const a = parseServiceId('a');
    const b = parseServiceId('b');
    const first = await dlq.publish(t, a, { message: { n: 1 }, seq: 10, reason, attempts: 5 });
    await dlq.publish(t, b, { message: 'x', seq: 11, reason, attempts: 3 });
    await dlq.publish(parseTenantId(uniqueName()), a, { message: null, seq: 12, reason, attempts: 1 });
    const all = await dlq.read(t);
    assert.deepEqual(all.map((d) => [d.service_id, d.seq, d.attempts]), [['a', 10, 5], ['b', 11, 3]]);
    const onlyA = await dlq.read(t, a);
    assert.equal(onlyA.length, 1);
    assert.equal(onlyA[0]?.dead_letter_seq, first);
    assert.equal(onlyA[0]?.tenant, t);
    assert.deepEqual(onlyA[0]?.message, { n: 1 });
    assert.deepEqual(onlyA[0]?.reason, reason);
    assert.ok(!Number.isNaN(Date.parse(onlyA[0]?.at ?? '')));
    assert.equal((await dlq.read(t, undefined, 1)).length, 1);
    assert.deepEqual(await dlq.read(parseTenantId(uniqueName())), []);
  });

  it('rejects invalid ids, entries and limits with invalid_request', async () => {
    const t = parseTenantId(uniqueName());
    const s = parseServiceId('s');
    await assert.rejects(dlq.publish('BAD' as TenantId, s, { message: 1, seq: 1, reason, attempts: 1 }), { code: 'invalid_request' });
    await assert.rejects(dlq.publish(t, s, { message: 1, seq: 0, reason, attempts: 1 }), { code: 'invalid_request' });
    await assert.rejects(dlq.publish(t, s, { message: 1, seq: 1, reason: { code: 'nope', message: '' } as never, attempts: 1 }), { code: 'invalid_request' });
    await assert.rejects(dlq.read(t, 'x.y' as ServiceId), { code: 'invalid_request' });
    await assert.rejects(dlq.read(t, undefined, 5000), { code: 'invalid_request' });
    assert.deepEqual(await dlq.read(t), []);
  });
});
