// Requests that arrive while the kernel recovers wait for it (bounded) or get `unavailable` with a retry
// hint; they never see half-recovered state. The kernel is assembled by hand so the test controls when
// recovery starts.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from 'nats';
import { IsolateSandbox } from '@solo/actor-core';
import { Kernel } from '@solo/kernel';
import { tenantApiSubject, type TenantId } from '@solo/protocol';
import { DeadLetters, EventLog, LocalStore, LogStream, MailboxStream, ensureStreams } from '@solo/store';
import { createTempDir, startNatsServer, uniqueName, type TempDir, type TestNatsServer } from '@solo/testkit';
import { startNatsDoor } from '@solo/gateway';

// One nats-server per test: the mailbox work queue admits one node consumer at a time.
let nats: TestNatsServer;
let nc: NatsConnection;
let dir: TempDir;
beforeEach(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  await ensureStreams(nc);
  dir = createTempDir();
});
afterEach(async () => {
  await nc.close();
  await nats.stop();
  dir.remove();
});

const silent = { info: () => {}, warn: () => {}, error: () => {} };

async function assemble(recoveryWaitMs: number, nodeId: string): Promise<{ kernel: Kernel; stop(): Promise<void>; local: LocalStore }> {
  const local = LocalStore.open(`${dir.path}/${nodeId}`);
  const [events, mailbox, logs, deadLetters] = await Promise.all([EventLog.open(nc), MailboxStream.open(nc), LogStream.open(nc), DeadLetters.open(nc)]);
  const kernel = Kernel.create({ nodeId, events, mailbox, logs, deadLetters, local, sandbox: new IsolateSandbox(), version: 'test', recoveryWaitMs, log: silent });
  const door = startNatsDoor({ nc, kernel, log: silent });
  return {
    kernel,
    local,
    async stop() {
      await door.stop();
      await kernel.stop();
      await local.close();
    },
  };
}

async function api(tenant: string, verb: string, body: unknown): Promise<Record<string, unknown>> {
  const m = await nc.request(tenantApiSubject(tenant as TenantId, verb), new TextEncoder().encode(JSON.stringify(body)), { timeout: 10_000 });
  return JSON.parse(new TextDecoder().decode(m.data)) as Record<string, unknown>;
}

describe('requests during recovery', () => {
  it('wait for recovery to complete, then get an answer from the recovered state', async () => {
    const node = await assemble(10_000, uniqueName('n'));
    const t = uniqueName();
    const early = api(t, 'list', {});
    const health = await api(t, 'health', {});
    assert.equal(health['status'], 'starting', 'health answers at once and says the node is not ready');
    let settled = false;
    void early.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(settled, false, 'the request waits while recovery has not run');
    await node.kernel.start();
    const r = await early;
    assert.equal(r['ok'], true);
    assert.equal(r['total'], 0);
    await node.stop();
  });

  it('get unavailable with a retry hint when recovery takes longer than the wait bound', async () => {
    const node = await assemble(50, uniqueName('n'));
    const r = await api(uniqueName(), 'deploy', { service_id: 'x', source: 'export default { handleCall(m, s) { return { reply: 1, state: s }; } };' });
    assert.equal((r['error'] as { code: string }).code, 'unavailable');
    assert.equal((r['error'] as { details: { retry_after_ms: number } }).details.retry_after_ms, 1000);
    await node.kernel.start();
    await node.stop();
  });
});
