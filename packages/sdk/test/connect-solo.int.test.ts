// The client against a real nats-server, with the test itself answering as a tiny Solo peer: checks the
// request envelope, error mapping (no responders, timeout, wire errors) and follows with heartbeats.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, headers } from 'nats';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import {
  HEADERS,
  parseServiceId,
  parseTenantApiSubject,
  parseTenantId,
  serviceSubject,
  tenantApiSubject,
} from '@solo/protocol';
import type { FollowRequest, SoloEvent, WireReply } from '@solo/protocol';
import { freePort, startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { connectSolo } from '../src/index.ts';
import type { SoloClient } from '../src/index.ts';

interface Seen {
  verb: string;
  body: Record<string, unknown>;
  headers: MsgHdrs | undefined;
}
type Answer = (verb: string, body: Record<string, unknown>, msg: Msg) => WireReply<object> | 'silent';

/** Subscribes a fake node for one tenant's API verbs; returns what it saw. */
function servePeer(nc: NatsConnection, tenant: string, answer: Answer): { seen: Seen[]; sub: Subscription } {
  const seen: Seen[] = [];
  const sub = nc.subscribe(tenantApiSubject(parseTenantId(tenant), '*'), {
    callback: (_err, msg) => {
      const verb = parseTenantApiSubject(msg.subject)?.verb ?? '?';
      const body = msg.json<Record<string, unknown>>();
      seen.push({ verb, body, headers: msg.headers });
      const reply = answer(verb, body, msg);
      if (reply !== 'silent') msg.respond(JSON.stringify(reply));
    },
  });
  return { seen, sub };
}

function event(seq: number): SoloEvent {
  return { seq, type: 'service_started', tenant: 't', service_id: 'counter', at: '2025-01-01T00:00:00.000Z', data: {} };
}

describe('connectSolo (real nats-server, test peer)', () => {
  let nats: TestNatsServer;
  let peer: NatsConnection;
  const clients: SoloClient[] = [];
  const open = async (
    tenant: string,
    extra: { token?: string; requestTimeoutMs?: number } = {},
  ): Promise<SoloClient> => {
    const c = await connectSolo({ natsUrl: nats.url, tenant, ...extra });
    clients.push(c);
    return c;
  };

  before(async () => {
    nats = await startNatsServer();
    peer = await connect({ servers: nats.url });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await peer.close();
    await nats.stop();
  });

  it('sends the verb body with a correlation id and token, and returns the reply without ok', async () => {
    const tenant = uniqueName();
    const { seen, sub } = servePeer(peer, tenant, () => ({ ok: true, services: [], total: 0, next_offset: null }));
    const client = await open(tenant, { token: 'tok-1' });
    const reply = await client.list({ limit: 5 });
    assert.deepEqual(reply, { services: [], total: 0, next_offset: null });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.verb, 'list');
    assert.deepEqual(seen[0]?.body, { limit: 5 });
    assert.match(seen[0]?.headers?.get(HEADERS.correlationId) ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(seen[0]?.headers?.get(HEADERS.token), 'tok-1');
    sub.unsubscribe();
  });

  it('omits the token header when no token is set, and uses a fresh correlation id per request', async () => {
    const tenant = uniqueName();
    const { seen, sub } = servePeer(peer, tenant, () => ({ ok: true, status: 'ready' }));
    const client = await open(tenant);
    await client.health();
    await client.health();
    assert.equal(seen[0]?.headers?.has(HEADERS.token), false);
    assert.notEqual(seen[0]?.headers?.get(HEADERS.correlationId), seen[1]?.headers?.get(HEADERS.correlationId));
    sub.unsubscribe();
  });

  it('rejects with the wire error of the node, adding the correlation id', async () => {
    const tenant = uniqueName();
    const { seen, sub } = servePeer(peer, tenant, () => ({
      ok: false,
      error: { code: 'not_found', message: "Service 'ghost' is not deployed." },
    }));
    const client = await open(tenant);
    await assert.rejects(
      client.status('ghost'),
      (err: { code: string; message: string; details: Record<string, unknown> }) => {
        assert.equal(err.code, 'not_found');
        assert.equal(err.message, "Service 'ghost' is not deployed.");
        assert.equal(err.details['correlation_id'], seen[0]?.headers?.get(HEADERS.correlationId));
        return true;
      },
    );
    assert.deepEqual(seen[0]?.body, { service_id: 'ghost' });
    sub.unsubscribe();
  });

  it('refuses invalid ids with invalid_request before sending anything', async () => {
    const tenant = uniqueName();
    const { seen, sub } = servePeer(peer, tenant, () => ({ ok: true }));
    const client = await open(tenant);
    await assert.rejects(client.status('Bad Id'), { code: 'invalid_request' });
    await assert.rejects(client.deploy({ service_id: 'a.b', source: '' }), { code: 'invalid_request' });
    await assert.rejects(client.kill({ service_id: '>' }), { code: 'invalid_request' });
    await assert.rejects(client.call('*', null), { code: 'invalid_request' });
    await assert.rejects(client.cast('', 1), { code: 'invalid_request' });
    await assert.rejects(client.events({ service_id: 'X' }), { code: 'invalid_request' });
    await assert.rejects(client.logs({ service_id: 'x y' }), { code: 'invalid_request' });
    assert.throws(() => client.followEvents({ service_id: 'UP' }), { code: 'invalid_request' });
    await client.health();
    assert.deepEqual(
      seen.map((s) => s.verb),
      ['health'],
    );
    sub.unsubscribe();
  });

  it('refuses an invalid tenant before connecting', async () => {
    await assert.rejects(connectSolo({ natsUrl: nats.url, tenant: 'No Such' }), { code: 'invalid_request' });
  });

  it('maps no responders to unavailable with a hint to run solo up', async () => {
    const client = await open(uniqueName());
    await assert.rejects(client.health(), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'unavailable');
      assert.match(err.message, /No Solo node answers on nats:\/\/127\.0\.0\.1:\d+/);
      assert.match(err.message, /solo up/);
      return true;
    });
  });

  it('maps a request that gets no reply to timeout', async () => {
    const tenant = uniqueName();
    const { sub } = servePeer(peer, tenant, () => 'silent');
    const client = await open(tenant, { requestTimeoutMs: 200 });
    await assert.rejects(client.health(), { code: 'timeout' });
    sub.unsubscribe();
  });

  it('maps a malformed reply to internal', async () => {
    const tenant = uniqueName();
    const sub = peer.subscribe(tenantApiSubject(parseTenantId(tenant), 'health'), {
      callback: (_e, m) => m.respond('not json'),
    });
    const client = await open(tenant);
    await assert.rejects(client.health(), { code: 'internal' });
    sub.unsubscribe();
  });

  it('maps an unreachable NATS to unavailable', async () => {
    const port = await freePort();
    await assert.rejects(connectSolo({ natsUrl: `nats://127.0.0.1:${port}`, tenant: 'acme', requestTimeoutMs: 1000 }), {
      code: 'unavailable',
    });
  });

  it('calls a service on its service subject with the bare message', async () => {
    const tenant = uniqueName();
    const got: unknown[] = [];
    const sub = peer.subscribe(serviceSubject(parseTenantId(tenant), parseServiceId('counter')), {
      callback: (_e, m) => {
        got.push(m.json());
        m.respond(JSON.stringify({ ok: true, reply: { count: 3 } }));
      },
    });
    const client = await open(tenant);
    assert.deepEqual(await client.call('counter', { op: 'inc' }), { reply: { count: 3 } });
    assert.deepEqual(got, [{ op: 'inc' }]);
    sub.unsubscribe();
  });

  it('sends a call with a custom deadline on the service subject, with the Solo-Timeout-Ms header', async () => {
    const tenant = uniqueName();
    const seen: { subject: string; body: unknown; timeout: string | undefined }[] = [];
    const sub = peer.subscribe(serviceSubject(parseTenantId(tenant), parseServiceId('pinger')), {
      callback: (_err, msg) => {
        seen.push({ subject: msg.subject, body: msg.json(), timeout: msg.headers?.get(HEADERS.timeoutMs) });
        msg.respond(JSON.stringify({ ok: true, reply: 'pong' }));
      },
    });
    const client = await open(tenant);
    assert.deepEqual(await client.call('pinger', 'ping', { timeoutMs: 1234 }), { reply: 'pong' });
    assert.deepEqual(seen, [{ subject: `solo.t.${tenant}.svc.pinger`, body: 'ping', timeout: '1234' }]);
    sub.unsubscribe();
  });

  it('times out a call that gets no answer, shortly after its deadline', async () => {
    const tenant = uniqueName();
    const sub = peer.subscribe(serviceSubject(parseTenantId(tenant), parseServiceId('slow')), { callback: () => undefined });
    const client = await open(tenant);
    await assert.rejects(client.call('slow', 1, { timeoutMs: 150 }), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'timeout');
      assert.match(err.message, /Call to service 'slow' got no reply within \d+ ms/);
      return true;
    });
    sub.unsubscribe();
  });

  it('follows: yields items in order, answers heartbeats without yielding them, and stops cleanly', async () => {
    const tenant = uniqueName();
    let follow: FollowRequest | undefined;
    const { seen, sub } = servePeer(peer, tenant, (verb, body) => {
      if (verb === 'events_follow') {
        follow = body as unknown as FollowRequest;
        return { ok: true, follow_id: 'f-1' };
      }
      return { ok: true };
    });
    const client = await open(tenant);
    const tail = client.followEvents({ service_id: 'counter', since_seq: 1 });
    const items: SoloEvent[] = [];
    const done = (async () => {
      for await (const ev of tail) items.push(ev);
    })();
    const req = await waitFor(() => follow);
    assert.equal(req.service_id, 'counter');
    assert.equal(req.since_seq, 1);
    const publishItem = (seq: number): void => {
      const h = headers();
      h.set(HEADERS.streamSeq, String(seq));
      peer.publish(req.inbox, JSON.stringify(event(seq)), { headers: h });
    };
    publishItem(1);
    publishItem(2);
    const hb = headers();
    hb.set(HEADERS.followHeartbeat, '1');
    const answer = await peer.request(req.inbox, new Uint8Array(0), { headers: hb, timeout: 2000 });
    assert.equal(answer.data.length, 0);
    publishItem(3);
    await waitFor(() => items.length === 3);
    await tail.stop();
    await done;
    assert.deepEqual(
      items.map((e) => e.seq),
      [1, 2, 3],
    );
    const stop = seen.find((s) => s.verb === 'follow_stop');
    assert.deepEqual(stop?.body, { follow_id: 'f-1' });
    // Once stopped, nobody answers on the inbox: that is how the node notices a vanished follower too.
    await assert.rejects(peer.request(req.inbox, new Uint8Array(0), { headers: hb, timeout: 500 }));
    sub.unsubscribe();
  });

  it('stops the follow when the loop breaks', async () => {
    const tenant = uniqueName();
    const { seen, sub } = servePeer(peer, tenant, (verb, body) => {
      if (verb === 'logs_follow') {
        peer.publish(String(body['inbox']), JSON.stringify({ seq: 1, message: 'hi' }));
        return { ok: true, follow_id: 'f-2' };
      }
      return { ok: true };
    });
    const client = await open(tenant);
    for await (const entry of client.followLogs()) {
      assert.equal(entry.message, 'hi');
      break;
    }
    assert.deepEqual(seen.find((s) => s.verb === 'follow_stop')?.body, { follow_id: 'f-2' });
    sub.unsubscribe();
  });

  it('surfaces an error starting the follow from the iteration', async () => {
    const tenant = uniqueName();
    const { seen, sub } = servePeer(peer, tenant, () => ({ ok: false, error: { code: 'forbidden', message: 'no' } }));
    const client = await open(tenant);
    const tail = client.followEvents();
    await assert.rejects(
      (async () => {
        for await (const _ev of tail) assert.fail('no item expected');
      })(),
      { code: 'forbidden' },
    );
    assert.deepEqual(
      seen.map((s) => s.verb),
      ['events_follow'],
    );
    sub.unsubscribe();
  });

  it('close stops open follows', async () => {
    const tenant = uniqueName();
    const { seen, sub } = servePeer(peer, tenant, (verb) =>
      verb === 'events_follow' ? { ok: true, follow_id: 'f-3' } : { ok: true },
    );
    const client = await connectSolo({ natsUrl: nats.url, tenant });
    const tail = client.followEvents();
    const done = (async () => {
      for await (const _ev of tail) assert.fail('no item expected');
    })();
    await waitFor(() => seen.length === 1);
    await client.close();
    await done;
    assert.deepEqual(
      seen.map((s) => s.verb),
      ['events_follow', 'follow_stop'],
    );
    await client.close();
    sub.unsubscribe();
  });
});
