// `--follow` against a fake Solo peer: prints items as they come, answers heartbeats, and on Ctrl-C stops
// the follow on the node and exits 0.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headers } from 'nats';
import type { NatsConnection } from 'nats';
import { HEADERS } from '@solo/protocol';
import { startNatsServer, uniqueName, waitFor } from '@solo/testkit';
import type { TestNatsServer } from '@solo/testkit';
import { startFakeNode } from './fake-node.ts';
import type { FakeNode } from './fake-node.ts';
import { killLeftoverClis, startCli } from './run-cli.ts';

function publishItem(nc: NatsConnection, inbox: string, item: { seq: number } & Record<string, unknown>): void {
  const h = headers();
  h.set(HEADERS.streamSeq, String(item.seq));
  nc.publish(inbox, JSON.stringify(item), { headers: h });
}

describe('--follow', () => {
  let nats: TestNatsServer;
  let node: FakeNode;
  let peer: NatsConnection | undefined;
  let inbox: string | undefined;
  const tenant = uniqueName();

  before(async () => {
    nats = await startNatsServer();
    node = await startFakeNode(nats.url, tenant, (verb, body, nc) => {
      if (verb === 'events_follow' || verb === 'logs_follow') {
        peer = nc;
        inbox = (body as { inbox: string }).inbox;
        return { ok: true, follow_id: `${verb}-1` };
      }
      return { ok: true };
    });
  });
  after(async () => {
    killLeftoverClis();
    await node.close();
    await nats.stop();
  });

  const env = (): Record<string, string> => ({ SOLO_NATS_URL: nats.url, SOLO_TENANT: tenant });

  it('prints events until SIGINT, answers heartbeats, then stops the follow and exits 0', async () => {
    inbox = undefined;
    const cli = startCli(['events', '--follow', '--service', 'counter', '--since-seq', '5'], { env: env() });
    const to = await waitFor(() => inbox, { timeoutMs: 15_000 });
    const nc = peer as NatsConnection;
    assert.deepEqual(node.seen.find((s) => s.verb === 'events_follow')?.body, {
      service_id: 'counter',
      since_seq: 5,
      inbox: to,
    });
    publishItem(nc, to, { seq: 5, at: 'T', type: 'service_started', tenant, service_id: 'counter', data: {} });
    const hb = headers();
    hb.set(HEADERS.followHeartbeat, '1');
    await nc.request(to, new Uint8Array(0), { headers: hb, timeout: 5000 });
    publishItem(nc, to, {
      seq: 6,
      at: 'T',
      type: 'service_crashed',
      tenant,
      service_id: 'counter',
      data: { reason: 'boom' },
    });
    await cli.waitForStdout(/^6 T service_crashed/m);
    cli.signal('SIGINT');
    const r = await cli.exited;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '5 T service_started counter {}\n6 T service_crashed counter {"reason":"boom"}\n');
    assert.deepEqual(node.seen.find((s) => s.verb === 'follow_stop')?.body, { follow_id: 'events_follow-1' });
  });

  it('prints NDJSON with --json and stops on SIGTERM too', async () => {
    inbox = undefined;
    const cli = startCli(['logs', 'counter', '--follow', '--json'], { env: env() });
    const to = await waitFor(() => inbox, { timeoutMs: 15_000 });
    const entry = { seq: 1, at: 'T', tenant, service_id: 'counter', level: 'info', message: 'hello' };
    publishItem(peer as NatsConnection, to, entry);
    publishItem(peer as NatsConnection, to, { ...entry, seq: 2, message: 'again' });
    await cli.waitForStdout(/"again"/);
    cli.signal('SIGTERM');
    const r = await cli.exited;
    assert.equal(r.code, 0, r.stderr);
    const docs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number });
    assert.deepEqual(
      docs.map((d) => d.seq),
      [1, 2],
    );
    assert.deepEqual(
      node.seen.find((s) => s.verb === 'follow_stop' && (s.body as { follow_id: string }).follow_id === 'logs_follow-1')
        ?.body,
      {
        follow_id: 'logs_follow-1',
      },
    );
  });
});
