// The node's structured log on a real node (the pino destination captured through startNode's sink), and a
// service's `log_level`, which drops ctx.log lines below it, also after the node restarts (issue #8).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from 'nats';
import { createTempDir, uniqueName, waitFor, type TempDir } from '@solo/testkit';
import { startNode, type RunningNode } from '@solo/gateway';
import { tenantApiSubject, type TenantId } from '@solo/protocol';
import { adminHeaders, example, nodeNats } from './node-fixture.ts';

// Logs once per level in init and in every call, so a filter shows in both.
const CHATTY = `
export default {
  init(_args, ctx) { ctx.log.debug('init debug'); ctx.log.info('init info'); ctx.log.warn('init warn'); return {}; },
  handleCall(msg, state, ctx) {
    ctx.log.debug('d', msg); ctx.log.info('i', msg); ctx.log.warn('w', msg); ctx.log.error('e', msg);
    return { reply: 'ok', state };
  },
};
`;

type Rec = Record<string, unknown>;
let dir: TempDir;
let node: RunningNode;
let nc: NatsConnection;
const lines: string[] = [];

async function start(): Promise<void> {
  node = await startNode({ dataDir: dir.path, log: (l) => lines.push(l), logLevel: 'debug' });
  nc = await nodeNats(node);
}
async function stop(): Promise<void> {
  await nc.close();
  await node.stop();
}
async function ask(tenant: string, verb: string, body: unknown, correlationId?: string): Promise<Rec> {
  const m = await nc.request(tenantApiSubject(tenant as TenantId, verb), JSON.stringify(body), { timeout: 15_000, headers: adminHeaders(node, correlationId) });
  return JSON.parse(m.string()) as Rec;
}
const records = (): Rec[] => lines.map((l) => JSON.parse(l) as Rec);

before(async () => {
  dir = createTempDir('solo-logs-');
  await start();
});
after(async () => {
  await stop();
  dir.remove();
});

describe('node log records', () => {
  it('are JSON lines with correlation_id, tenant_id, service_id and duration_ms for each request', async () => {
    const t = uniqueName();
    assert.equal((await ask(t, 'deploy', { service_id: 'counter', source: example('counter') }, 'corr-deploy-1'))['ok'], true);
    assert.equal((await ask(t, 'call', { service_id: 'counter', message: { op: 'inc' } }, 'corr-call-1'))['ok'], true);
    assert.equal(((await ask(t, 'status', { service_id: 'ghost' }, 'corr-ghost-1'))['error'] as Rec)['code'], 'not_found');
    const byCorrelation = (id: string): Rec | undefined => records().find((r) => r['correlation_id'] === id && r['msg'] === 'request handled');
    const deploy = byCorrelation('corr-deploy-1');
    assert.ok(deploy, 'the deploy was logged');
    assert.equal(deploy['level'], 'info');
    assert.equal(deploy['tenant_id'], t);
    assert.equal(deploy['service_id'], 'counter');
    assert.equal(deploy['verb'], 'deploy');
    assert.equal(deploy['code'], 'ok');
    assert.equal(typeof deploy['duration_ms'], 'number');
    assert.equal(deploy['node_id'], node.info.node_id);
    assert.ok(!Number.isNaN(Date.parse(String(deploy['time']))));
    const call = byCorrelation('corr-call-1');
    assert.equal(call?.['level'], 'debug', 'a successful call is a debug record');
    const ghost = byCorrelation('corr-ghost-1');
    assert.equal(ghost?.['level'], 'info', 'a failed request is kept at info');
    assert.equal(ghost?.['code'], 'not_found');
    assert.equal(ghost?.['service_id'], 'ghost');
  });
});

describe('per-service log level', () => {
  const levelsOf = async (tenant: string, service: string, want: number): Promise<string[]> => {
    let entries: Rec[] = [];
    await waitFor(async () => {
      entries = (await ask(tenant, 'logs', { service_id: service }))['entries'] as Rec[];
      return entries.length >= want;
    }, { timeoutMs: 10_000 });
    return entries.map((e) => `${String(e['level'])}:${String(e['message'])}`);
  };

  it('drops ctx.log lines below the deploy option log_level, in init and in handlers', async () => {
    const t = uniqueName();
    assert.equal((await ask(t, 'deploy', { service_id: 'quiet', source: CHATTY, log_level: 'warn' }))['ok'], true);
    assert.equal((await ask(t, 'deploy', { service_id: 'loud', source: CHATTY }))['ok'], true);
    await ask(t, 'call', { service_id: 'quiet', message: 1 });
    await ask(t, 'call', { service_id: 'loud', message: 1 });
    assert.deepEqual(await levelsOf(t, 'quiet', 3), ['warn:init warn', 'warn:w', 'error:e']);
    assert.deepEqual(await levelsOf(t, 'loud', 7), ['debug:init debug', 'info:init info', 'warn:init warn', 'debug:d', 'info:i', 'warn:w', 'error:e']);
    const events = (await ask(t, 'events', { service_id: 'quiet', type: 'service_deployed' }))['events'] as { data: Rec }[];
    assert.equal((events[0]?.data['options'] as { log_level?: string }).log_level, 'warn');
  });

  it('keeps the level after the node restarts and replays its log', async () => {
    const t = uniqueName();
    assert.equal((await ask(t, 'deploy', { service_id: 'quiet', source: CHATTY, log_level: 'error' }))['ok'], true);
    await stop();
    await start();
    assert.equal((await ask(t, 'call', { service_id: 'quiet', message: 2 }))['ok'], true);
    // After recovery init ran again: its lines are below error too, so only the handler's error remains.
    assert.deepEqual(await levelsOf(t, 'quiet', 1), ['error:e']);
  });

  it('refuses an unknown log_level with invalid_request and deploys nothing', async () => {
    const t = uniqueName();
    const r = await ask(t, 'deploy', { service_id: 'bad', source: CHATTY, log_level: 'verbose' });
    const err = r['error'] as { code: string; details: { field: string } };
    assert.equal(err.code, 'invalid_request');
    assert.equal(err.details.field, 'log_level');
    assert.equal((await ask(t, 'list', {}))['total'], 0);
  });
});
