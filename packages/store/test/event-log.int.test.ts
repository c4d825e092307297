import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { eventSubject, eventsStream, parseServiceId, parseTenantId } from '@solo/protocol';
import type { EventInput, EventType, SoloEvent } from '@solo/protocol';
import { EventLog, ensureStreams } from '@solo/store';

const ev = (type: EventType, tenant: string | null, service: string | null, data: Record<string, unknown> = {}): EventInput => ({
  type,
  tenant,
  service_id: service,
  at: new Date().toISOString(),
  data,
});

describe('EventLog', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  let log: EventLog;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    await ensureStreams(nc);
    log = await EventLog.open(nc);
  });
  after(async () => {
    await nc.close();
    await srv.stop();
  });

  const consumerCount = async (): Promise<number> => {
    const jsm = await nc.jetstreamManager();
    return (await jsm.consumers.list(eventsStream()).next()).length;
  };

  it('appends with increasing seqs and reads them back with the correlation id', async () => {
    const t = uniqueName();
    const a = await log.append(ev('service_deployed', t, 'counter', { version: 1 }));
    const b = await log.append({ ...ev('service_started', t, 'counter'), correlation_id: 'req-1' });
    assert.ok(b > a);
    assert.equal(await log.lastSeq(), b);
    const got = await log.read({ tenant: t });
    assert.deepEqual(
      got.map((e) => [e.seq, e.type, e.tenant, e.service_id, e.correlation_id]),
      [
        [a, 'service_deployed', t, 'counter', undefined],
        [b, 'service_started', t, 'counter', 'req-1'],
      ],
    );
    assert.deepEqual(got[0]?.data, { version: 1 });
  });

  it('puts the correlation id in the NATS header', async () => {
    const t = uniqueName();
    const seq = await log.append({ ...ev('service_killed', t, 'x'), correlation_id: 'corr-42' });
    const jsm = await nc.jetstreamManager();
    const stored = await jsm.streams.getMessage(eventsStream(), { seq });
    assert.equal(stored.header.get('Solo-Correlation-Id'), 'corr-42');
    assert.equal(stored.subject, eventSubject(parseTenantId(t), parseServiceId('x'), 'service_killed'));
  });

  it('filters by tenant, service, type, null service and node-wide events', async () => {
    const t1 = uniqueName();
    const t2 = uniqueName();
    await log.append(ev('service_deployed', t1, 'a'));
    await log.append(ev('service_crashed', t1, 'a'));
    await log.append(ev('service_deployed', t1, 'b'));
    await log.append(ev('supervisor_escalated', t1, null));
    await log.append(ev('service_deployed', t2, 'a'));
    await log.append(ev('node_started', null, null));
    assert.equal((await log.read({ tenant: t1 })).length, 4);
    assert.deepEqual((await log.read({ tenant: t1, service: 'a' })).map((e) => e.type), ['service_deployed', 'service_crashed']);
    assert.deepEqual((await log.read({ tenant: t1, type: 'service_deployed' })).map((e) => e.service_id), ['a', 'b']);
    assert.deepEqual((await log.read({ tenant: t1, service: null })).map((e) => e.type), ['supervisor_escalated']);
    const nodeWide = await log.read({ tenant: null });
    assert.ok(nodeWide.length >= 1 && nodeWide.every((e) => e.tenant === null));
    assert.equal((await log.read({ tenant: t2 })).length, 1);
  });

  it('pages with sinceSeq and limit', async () => {
    const t = uniqueName();
    const seqs: number[] = [];
    for (let i = 0; i < 7; i++) seqs.push(await log.append(ev('service_emitted', t, 's', { i })));
    const first = await log.read({ tenant: t, limit: 3 });
    assert.deepEqual(first.map((e) => e.seq), seqs.slice(0, 3));
    const next = await log.read({ tenant: t, sinceSeq: (first.at(-1)?.seq ?? 0) + 1, limit: 3 });
    assert.deepEqual(next.map((e) => e.seq), seqs.slice(3, 6));
    const rest = await log.read({ tenant: t, sinceSeq: seqs[6] });
    assert.deepEqual(rest.map((e) => e.data['i']), [6]);
  });

  it('reads from sinceTime, alone or with sinceSeq', async () => {
    const t = uniqueName();
    await log.append(ev('service_emitted', t, 's', { i: 0 }));
    const before = await log.append(ev('service_emitted', t, 's', { i: 1 }));
    await waitFor(async () => Date.now() > (await stamp(before)) + 5);
    const cut = new Date();
    const late = await log.append(ev('service_emitted', t, 's', { i: 2 }));
    assert.deepEqual((await log.read({ tenant: t, sinceTime: cut })).map((e) => e.seq), [late]);
    assert.deepEqual((await log.read({ tenant: t, sinceTime: cut, sinceSeq: 1 })).map((e) => e.seq), [late]);
    assert.deepEqual((await log.read({ tenant: t, sinceTime: new Date(0), sinceSeq: before })).map((e) => e.seq), [before, late]);
  });

  async function stamp(seq: number): Promise<number> {
    const jsm = await nc.jetstreamManager();
    return (await jsm.streams.getMessage(eventsStream(), { seq })).time.getTime();
  }

  it('returns [] for an empty range without leaving a consumer', async () => {
    const t = uniqueName();
    assert.deepEqual(await log.read({ tenant: t }), []);
    assert.deepEqual(await log.read({ sinceSeq: (await log.lastSeq()) + 100 }), []);
    assert.deepEqual(await log.read({ sinceTime: new Date(Date.now() + 60_000) }), []);
    assert.equal(await consumerCount(), 0);
  });

  it('deduplicates appends that carry the same msgId', async () => {
    const t = uniqueName();
    const a = await log.append(ev('service_deployed', t, 's'), { msgId: `${t}-deploy` });
    const b = await log.append(ev('service_deployed', t, 's'), { msgId: `${t}-deploy` });
    assert.equal(a, b);
    assert.equal((await log.read({ tenant: t })).length, 1);
  });

  it('rejects bad filters and bad events with invalid_request', async () => {
    await assert.rejects(log.read({ limit: 1001 }), { code: 'invalid_request' });
    await assert.rejects(log.read({ limit: 0 }), { code: 'invalid_request' });
    await assert.rejects(log.read({ sinceSeq: -1 }), { code: 'invalid_request' });
    await assert.rejects(log.read({ sinceTime: new Date('nope') }), { code: 'invalid_request' });
    await assert.rejects(log.read({ tenant: 'Bad.Tenant' }), { code: 'invalid_request' });
    await assert.rejects(log.read({ service: '>' }), { code: 'invalid_request' });
    await assert.rejects(log.read({ type: 'made_up' }), { code: 'invalid_request' });
    const last = await log.lastSeq();
    await assert.rejects(log.append(ev('service_deployed', 'Bad Tenant', 's')), { code: 'invalid_request' });
    await assert.rejects(log.append(ev('made_up' as EventType, 'ok', 's')), { code: 'invalid_request' });
    await assert.rejects(log.append(ev('service_deployed', null, 's')), { code: 'invalid_request' });
    await assert.rejects(log.append({ ...ev('service_deployed', 'ok', 's'), at: 'yesterday' }), { code: 'invalid_request' });
    await assert.rejects(log.append({ ...ev('service_deployed', 'ok', 's'), data: { n: 1n } }), { code: 'invalid_request' });
    assert.equal(await log.lastSeq(), last);
    assert.throws(() => log.tail({ tenant: 'BAD' }), { code: 'invalid_request' });
  });

  it('fails a read on a corrupt stored event with internal', async () => {
    const t = uniqueName();
    const js = nc.jetstream();
    await js.publish(eventSubject(parseTenantId(t), null, 'node_started'), 'not json');
    await assert.rejects(log.read({ tenant: t }), { code: 'internal' });
    assert.equal(await consumerCount(), 0);
  });

  it('tails new events only, and stop() deletes its consumer', async () => {
    const t = uniqueName();
    await log.append(ev('service_deployed', t, 'old'));
    const tail = log.tail({ tenant: t });
    await tail.ready();
    assert.equal(await consumerCount(), 1);
    const seen: SoloEvent[] = [];
    const done = (async () => {
      for await (const e of tail) seen.push(e);
    })();
    await log.append(ev('service_started', t, 'new'));
    await log.append(ev('service_started', uniqueName(), 'other'));
    await log.append(ev('service_crashed', t, 'new'));
    await waitFor(() => seen.length === 2);
    await tail.stop();
    await done;
    assert.deepEqual(seen.map((e) => e.type), ['service_started', 'service_crashed']);
    assert.equal(await consumerCount(), 0);
  });

  it('tails from sinceSeq and stops when the loop breaks', async () => {
    const t = uniqueName();
    const first = await log.append(ev('service_deployed', t, 's'));
    await log.append(ev('service_started', t, 's'));
    const tail = log.tail({ tenant: t, type: 'service_started' }, { sinceSeq: first });
    let got: SoloEvent | undefined;
    for await (const e of tail) {
      got = e;
      break;
    }
    assert.equal(got?.type, 'service_started');
    await waitFor(async () => (await consumerCount()) === 0);
  });

  it('stops a tail that was never iterated', async () => {
    const tail = log.tail({});
    await tail.stop();
    await tail.stop();
    assert.equal(await consumerCount(), 0);
  });
});
