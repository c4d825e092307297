import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { mailboxConsumerName, mailboxStream, mailboxSubject, parseServiceId, parseTenantId } from '@solo/protocol';
import type { ServiceId, TenantId } from '@solo/protocol';
import { MailboxStream, ensureStreams } from '@solo/store';
import type { MailboxDelivery } from '@solo/store';

const ids = (): { t: TenantId; s: ServiceId } => ({ t: parseTenantId(uniqueName()), s: parseServiceId('svc') });

describe('MailboxStream', () => {
  let srv: TestNatsServer;
  let nc: NatsConnection;
  let mbox: MailboxStream;
  before(async () => {
    srv = await startNatsServer();
    nc = await connect({ servers: srv.url });
    await ensureStreams(nc);
    mbox = await MailboxStream.open(nc);
  });
  after(async () => {
    await nc.close();
    await srv.stop();
  });

  // The work-queue stream allows one consumer over solo.mbox.>, so each test removes its node's durable.
  const dropConsumer = async (nodeId: string): Promise<void> => {
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.delete(mailboxStream(), mailboxConsumerName(nodeId));
  };

  it('delivers casts in order with tenant, service, message and correlation id; ack removes them', async () => {
    const { t, s } = ids();
    const seqs = [await mbox.publish(t, s, { n: 1 }, { correlationId: 'c-1' }), await mbox.publish(t, s, { n: 2 }), await mbox.publish(t, s, [3, 'x', null])];
    assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!);
    assert.equal(await mbox.pendingCount(t, s), 3);
    const node = uniqueName('n');
    const got: MailboxDelivery[] = [];
    const consumer = await mbox.consume(node, (d) => {
      got.push(d);
      d.ack();
    });
    await waitFor(() => got.length === 3);
    assert.deepEqual(got.map((d) => [d.tenant, d.service, d.seq, d.deliveryCount]), seqs.map((q) => [t, s, q, 1]));
    assert.deepEqual(got.map((d) => d.message), [{ n: 1 }, { n: 2 }, [3, 'x', null]]);
    assert.deepEqual(got.map((d) => d.correlationId), ['c-1', undefined, undefined]);
    await waitFor(async () => (await mbox.pendingCount(t, s)) === 0);
    await consumer.stop();
    await dropConsumer(node);
  });

  it('keeps casts published while no consumer runs and resumes from the durable', async () => {
    const { t, s } = ids();
    const node = uniqueName('n');
    const got: number[] = [];
    const first = await mbox.consume(node, (d) => {
      got.push(d.message as number);
      d.ack();
    });
    await mbox.publish(t, s, 1);
    await waitFor(() => got.length === 1);
    await first.stop();
    await mbox.publish(t, s, 2);
    const jsm = await nc.jetstreamManager();
    assert.equal((await jsm.consumers.info(mailboxStream(), mailboxConsumerName(node))).num_pending, 1);
    const second = await mbox.consume(node, (d) => {
      got.push(d.message as number);
      void d.ackConfirmed();
    });
    await waitFor(() => got.length === 2);
    assert.deepEqual(got, [1, 2]);
    await second.stop();
    await dropConsumer(node);
  });

  it('redelivers a nak-ed cast with a higher delivery count', async () => {
    const { t, s } = ids();
    const seq = await mbox.publish(t, s, 'retry me');
    const node = uniqueName('n');
    const counts: number[] = [];
    const consumer = await mbox.consume(node, (d) => {
      assert.equal(d.seq, seq);
      counts.push(d.deliveryCount);
      if (d.deliveryCount === 1) d.nak();
      else void d.ackConfirmed();
    });
    await waitFor(() => counts.length === 2);
    assert.deepEqual(counts, [1, 2]);
    await waitFor(async () => (await mbox.pendingCount(t, s)) === 0);
    await consumer.stop();
    await dropConsumer(node);
  });

  it('terminates a non-JSON cast, reports it and keeps delivering', async () => {
    const { t, s } = ids();
    const js = nc.jetstream();
    const bad = (await js.publish(mailboxSubject(t, s), '{not json')).seq;
    const good = await mbox.publish(t, s, { ok: true });
    const node = uniqueName('n');
    const badSeen: Array<[number, string]> = [];
    const delivered: number[] = [];
    const consumer = await mbox.consume(
      node,
      (d) => {
        delivered.push(d.seq);
        d.ack();
      },
      { onBadMessage: (seq, subject) => badSeen.push([seq, subject]) },
    );
    await waitFor(() => delivered.length === 1 && badSeen.length === 1);
    assert.deepEqual(badSeen, [[bad, mailboxSubject(t, s)]]);
    assert.deepEqual(delivered, [good]);
    await waitFor(async () => (await mbox.pendingCount(t, s)) === 0);
    await consumer.stop();
    await dropConsumer(node);
  });

  it('naks and reports when the delivery handler throws', async () => {
    const { t, s } = ids();
    await mbox.publish(t, s, 'boom');
    const node = uniqueName('n');
    const errors: string[] = [];
    let calls = 0;
    const consumer = await mbox.consume(
      node,
      (d) => {
        calls += 1;
        if (calls === 1) throw new Error('handler bug');
        d.ack();
      },
      { onError: (err) => errors.push(err.code) },
    );
    await waitFor(() => calls === 2);
    assert.deepEqual(errors, ['internal']);
    await consumer.stop();
    await dropConsumer(node);
  });

  it('purges one mailbox and leaves the others', async () => {
    const { t, s } = ids();
    const other = parseServiceId('other');
    for (let i = 0; i < 4; i++) await mbox.publish(t, s, i);
    await mbox.publish(t, other, 'keep');
    assert.equal(await mbox.purge(t, s), 4);
    assert.equal(await mbox.pendingCount(t, s), 0);
    assert.equal(await mbox.pendingCount(t, other), 1);
    assert.equal(await mbox.purge(t, other), 1);
  });

  it('applies maxAckPending and ackWaitMs to the durable', async () => {
    const node = uniqueName('n');
    const consumer = await mbox.consume(node, (d) => d.ack(), { maxAckPending: 5, ackWaitMs: 2000 });
    const jsm = await nc.jetstreamManager();
    const info = await jsm.consumers.info(mailboxStream(), mailboxConsumerName(node));
    assert.equal(info.config.max_ack_pending, 5);
    assert.equal(info.config.ack_wait, 2_000_000_000);
    await consumer.stop();
    await dropConsumer(node);
  });

  it('refuses a second node while another node consumes the mailboxes', async () => {
    const first = uniqueName('n');
    const consumer = await mbox.consume(first, (d) => d.ack());
    await assert.rejects(mbox.consume(uniqueName('n'), (d) => d.ack()), { code: 'unavailable' });
    await consumer.stop();
    await dropConsumer(first);
  });

  it('rejects invalid ids, node ids, options and messages with invalid_request', async () => {
    const { t, s } = ids();
    await assert.rejects(mbox.publish('Nope!' as TenantId, s, 1), { code: 'invalid_request' });
    await assert.rejects(mbox.publish(t, 'a.b' as ServiceId, 1), { code: 'invalid_request' });
    await assert.rejects(mbox.publish(t, s, { n: 1n } as never), { code: 'invalid_request' });
    await assert.rejects(mbox.publish(t, s, undefined as never), { code: 'invalid_request' });
    await assert.rejects(mbox.purge(t, '*' as ServiceId), { code: 'invalid_request' });
    await assert.rejects(mbox.pendingCount('>' as TenantId, s), { code: 'invalid_request' });
    await assert.rejects(mbox.consume('Bad Node', () => undefined), { code: 'invalid_request' });
    await assert.rejects(mbox.consume('n1', () => undefined, { maxAckPending: 0 }), { code: 'invalid_request' });
    await assert.rejects(mbox.consume('n1', () => undefined, { ackWaitMs: 1.5 }), { code: 'invalid_request' });
    assert.equal(await mbox.pendingCount(t, s), 0);
    const jsm = await nc.jetstreamManager();
    assert.equal((await jsm.consumers.list(mailboxStream()).next()).length, 0);
  });
});
