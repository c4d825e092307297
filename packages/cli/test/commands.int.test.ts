// Each client command against a fake Solo peer on a real nats-server: what it sends, what it prints, --json.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADERS } from '@solo/protocol';
import { createTempDir, startNatsServer, uniqueName } from '@solo/testkit';
import type { TempDir, TestNatsServer } from '@solo/testkit';
import { startFakeNode } from './fake-node.ts';
import type { FakeNode } from './fake-node.ts';
import { killLeftoverClis, runCli } from './run-cli.ts';
import { sampleStatus } from './sample-status.ts';

const DEPLOY_REPLY = {
  service_id: 'counter',
  tenant: 'acme',
  version: 1,
  code_version: '1.0.0',
  artifact_hash: 'f'.repeat(64),
  deployed_at: '2025-01-01T00:00:00.000Z',
  duration_ms: 42,
  event_seq: 7,
};

describe('client commands (fake peer)', () => {
  let nats: TestNatsServer;
  let dir: TempDir;
  let node: FakeNode;
  const tenant = uniqueName();
  const solo = (args: string[], cwd?: string) =>
    runCli(args, { env: { SOLO_NATS_URL: nats.url, SOLO_TENANT: tenant, SOLO_TOKEN: 'tok' }, cwd: cwd ?? dir.path });

  before(async () => {
    nats = await startNatsServer();
    dir = createTempDir();
    mkdirSync(join(dir.path, 'svc'));
    writeFileSync(
      join(dir.path, 'svc', 'Counter.ts'),
      'export default { handleCall: (m, s) => ({ reply: s, state: s }) };',
    );
    node = await startFakeNode(nats.url, tenant, (verb) => {
      switch (verb) {
        case 'deploy':
          return { ok: true, ...DEPLOY_REPLY };
        case 'list':
          return {
            ok: true,
            services: [sampleStatus(), sampleStatus({ service_id: 'echo', status: 'crashed', restarts: 3 })],
            total: 2,
            next_offset: null,
          };
        case 'status':
          return {
            ok: false,
            error: { code: 'not_found', message: "Service 'ghost' is not deployed for tenant 'x'." },
          };
        case 'svc:counter':
          return { ok: true, reply: { count: 3 } };
        case 'svc:slow':
          return { ok: true, reply: 'slow pong' };
        case 'cast':
          return { ok: true, seq: 12 };
        case 'kill':
          return { ok: true, service_id: 'counter', killed_at: '2025-01-01T00:00:00.000Z', mode: 'forced' };
        case 'events':
          return {
            ok: true,
            events: [{ seq: 3, at: 'T', type: 'service_started', tenant, service_id: 'counter', data: {} }],
            next_seq: 4,
          };
        default:
          return { ok: false, error: { code: 'invalid_request', message: `unexpected verb ${verb}` } };
      }
    });
  });
  after(async () => {
    killLeftoverClis();
    await node.close();
    await nats.stop();
    dir.remove();
  });

  const last = (verb: string) => [...node.seen].reverse().find((s) => s.verb === verb);

  it('deploys a file relative to the working directory, deriving the service id', async () => {
    const r = await solo(['deploy', 'svc/Counter.ts', '--memory-mb', '64', '--args', '{"start":1}']);
    assert.equal(r.code, 0, r.stderr);
    const body = last('deploy')?.body as Record<string, unknown>;
    assert.equal(body['service_id'], 'counter');
    assert.equal(body['filename'], 'Counter.ts');
    assert.match(String(body['source']), /handleCall/);
    assert.deepEqual(body['args'], { start: 1 });
    assert.deepEqual(body['limits'], { memory_mb: 64 });
    assert.equal(last('deploy')?.headers?.get(HEADERS.token), 'tok');
    assert.match(r.stdout, /^deployed: +counter/m);
    assert.match(r.stdout, /^version: +1 \(code 1\.0\.0\)$/m);
    assert.match(r.stdout, new RegExp(`^artifact: +${'f'.repeat(64)}$`, 'm'));
    assert.match(r.stdout, /^took: +42 ms$/m);
  });

  it('passes the admission limits of deploy, and refuses a malformed one before sending', async () => {
    const r = await solo(['deploy', 'svc/Counter.ts', '--mailbox-len', '50', '--max-message-bytes', '4096', '--max-reply-bytes', '8192', '--max-timers', '5', '--circuit-crashes', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((last('deploy')?.body as Record<string, unknown>)['limits'], { mailbox_len: 50, max_message_bytes: 4096, max_reply_bytes: 8192, max_timers: 5, circuit_crashes: 0 });
    const bad = await solo(['deploy', 'svc/Counter.ts', '--mailbox-len', 'lots']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--mailbox-len/);
  });

  it('resolves the file from INIT_CWD when run as the pnpm `solo` script', async () => {
    const r = await runCli(['deploy', 'Counter.ts', '--service-id', 'c2', '--json'], {
      cwd: '/',
      env: {
        SOLO_NATS_URL: nats.url,
        SOLO_TENANT: tenant,
        INIT_CWD: join(dir.path, 'svc'),
        npm_lifecycle_event: 'solo',
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((last('deploy')?.body as { service_id: string }).service_id, 'c2');
    assert.deepEqual(JSON.parse(r.stdout), DEPLOY_REPLY);
  });

  it('lists services as a table', async () => {
    const r = await solo(['ls', '--status', 'running', '--limit', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(last('list')?.body, { status: 'running', limit: 5 });
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^SERVICE\s+STATUS\s+VERSION\s+MEMORY\s+MAILBOX\s+UPTIME\s+RESTARTS\s+SUPERVISOR\s+LAST CRASH$/);
    assert.match(lines[2] ?? '', /^echo\s+crashed\s+2 \(1\.2\.0\)\s+3\.0 MiB\s+4\s+5m12s\s+3\s+running\s+-$/);
  });

  it('prints exactly one JSON document with --json', async () => {
    const r = await solo(['ls', '--json']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    const doc = JSON.parse(r.stdout) as { services: unknown[]; total: number; ok?: boolean };
    assert.equal(doc.total, 2);
    assert.equal(doc.ok, undefined);
  });

  it('prints the node error as `error <code>: <message>` and exits 1', async () => {
    const r = await solo(['status', 'ghost']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error not_found: Service 'ghost' is not deployed/);
    assert.match(r.stderr, /correlation_id: [0-9a-f-]{36}/);
    const j = await solo(['status', 'ghost', '--json']);
    assert.equal(j.code, 1);
    assert.equal((JSON.parse(j.stdout) as { error: { code: string } }).error.code, 'not_found');
  });

  it('calls a service and prints its reply', async () => {
    const r = await solo(['call', 'counter', '{"op":"get"}']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(last('svc:counter')?.body, { op: 'get' });
    assert.deepEqual(JSON.parse(r.stdout), { count: 3 });
    const j = await solo(['call', 'counter', '1', '--json']);
    assert.deepEqual(JSON.parse(j.stdout), { reply: { count: 3 } });
  });

  it('passes --timeout-ms to the node with the call', async () => {
    const r = await solo(['call', 'slow', '{}', '--timeout-ms', '20000']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(last('svc:slow')?.body, {});
    assert.equal(last('svc:slow')?.headers?.get(HEADERS.timeoutMs), '20000');
    assert.equal(r.stdout, '"slow pong"\n');
  });

  it('casts and prints the accepted sequence', async () => {
    const r = await solo(['cast', 'counter', '"tick"']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(last('cast')?.body, { service_id: 'counter', message: 'tick' });
    assert.equal(r.stdout, 'accepted seq 12\n');
  });

  it('kills with --force and --timeout-ms', async () => {
    const r = await solo(['kill', 'counter', '--force', '--timeout-ms', '100']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(last('kill')?.body, { service_id: 'counter', force: true, timeout_ms: 100 });
    assert.match(r.stdout, /^killed counter \(forced\)/);
  });

  it('prints events one per line', async () => {
    const r = await solo(['events', '--service', 'counter', '--type', 'service_started', '--since-seq', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(last('events')?.body, { service_id: 'counter', type: 'service_started', since_seq: 2 });
    assert.equal(r.stdout, '3 T service_started counter {}\n');
  });
});
