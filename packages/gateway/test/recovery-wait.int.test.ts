// Requests that arrive while the kernel recovers wait for it (bounded) or get `unavailable` with a retry
// hint; they never see half-recovered state. The kernel is assembled by hand so the test controls when
// recovery starts.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, headers, type NatsConnection } from 'nats';
import { IsolateSandbox } from '@solo/actor-core';
import { Kernel } from '@solo/kernel';
import { HEADERS, OPERATOR_TENANT, tenantApiSubject, type TenantId } from '@solo/protocol';
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

// One signing key for the whole file, as one node keeps it across restarts.
const tokenKey = randomBytes(32);

async function assemble(recoveryWaitMs: number, nodeId: string): Promise<{ kernel: Kernel; stop(): Promise<void>; local: LocalStore }> {
  const local = LocalStore.open(`${dir.path}/${nodeId}`);
  const [events, mailbox, logs, deadLetters] = await Promise.all([EventLog.open(nc), MailboxStream.open(nc), LogStream.open(nc), DeadLetters.open(nc)]);
  const kernel = Kernel.create({ nodeId, events, mailbox, logs, deadLetters, local, sandbox: new IsolateSandbox(), version: 'test', recoveryWaitMs, log: silent, tokenKey });
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

/** An admin token granted by an earlier run of node `nodeId` (so its grant is in the log the restart recovers). */
async function grantedBefore(nodeId: string): Promise<string> {
  const first = await assemble(10_000, nodeId);
  await first.kernel.start();
  const { token } = await first.kernel.security.tokens.mint({ tenant: OPERATOR_TENANT, permissions: ['admin'] }, {});
  await first.stop();
  return token;
}

async function api(tenant: string, verb: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const h = headers();
  if (token !== undefined) h.set(HEADERS.token, token);
  const m = await nc.request(tenantApiSubject(tenant as TenantId, verb), new TextEncoder().encode(JSON.stringify(body)), { timeout: 10_000, headers: h });
  return JSON.parse(new TextDecoder().decode(m.data)) as Record<string, unknown>;
}

describe('requests during recovery', () => {
  it('wait for recovery to complete, then get an answer from the recovered state', async () => {
    const nodeId = uniqueName('n');
    const token = await grantedBefore(nodeId);
    const node = await assemble(10_000, nodeId);
    const t = uniqueName();
    // The token is checked after recovery, once the log's grants are known: a valid token is never refused
    // for arriving early.
    const early = api(t, 'list', {}, token);
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
    const nodeId = uniqueName('n');
    const token = await grantedBefore(nodeId);
    const node = await assemble(50, nodeId);
    const r = await api(uniqueName(), 'deploy', { service_id: 'x', source: 'export default { handleCall(m, s) { return { reply: 1, state: s }; } };' }, token);
    assert.equal((r['error'] as { code: string }).code, 'unavailable');
    assert.equal((r['error'] as { details: { retry_after_ms: number } }).details.retry_after_ms, 1000);
    await node.kernel.start();
    await node.stop();
  });
});
