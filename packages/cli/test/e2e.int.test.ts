// End to end: `solo up` as a real node process (embedded nats-server, LMDB), driven by the real `solo` CLI,
// exactly as a user or an agent would, including the tour of the README.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInfo } from '@solo/protocol';
import { createTempDir, waitFor, type TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli, startCli, type RunningCli } from './run-cli.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function up(dir: string): Promise<{ node: RunningCli; info: NodeInfo }> {
  const node = startCli(['up', '--data-dir', dir, '--json'], { timeoutMs: 600_000 });
  await node.waitForStdout(/\}\s*$/, 30_000);
  return { node, info: JSON.parse(node.stdout()) as NodeInfo };
}

describe('solo CLI against a real node', () => {
  let dir: TempDir;
  let node: RunningCli;
  let info: NodeInfo;
  // Other commands find the node through SOLO_DATA_DIR/node.json, as after `solo up` in the README.
  const solo = (...args: string[]) => runCli(args, { env: { SOLO_DATA_DIR: dir.path, SOLO_TENANT: 'acme' }, cwd: repo });

  before(async () => {
    dir = createTempDir('solo-e2e-');
    ({ node, info } = await up(dir.path));
  });
  after(async () => {
    node.signal('SIGTERM');
    await node.exited;
    killLeftoverClis();
    dir.remove();
  });

  it('solo up prints where it listens as one JSON object and records it in node.json', () => {
    assert.match(info.nats_url, /^nats:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(info.data_dir, dir.path);
    assert.equal(info.pid, node.pid);
    assert.equal(info.embedded_nats, true);
    assert.ok(info.nats_pid && alive(info.nats_pid));
    // The JSON line adds where the operator's files are; node.json is the NodeInfo alone.
    const { admin_token_file: tokenFile, operator_credentials_file: credsFile, ...nodeInfo } = info as NodeInfo & { admin_token_file: string; operator_credentials_file: string };
    assert.deepEqual(JSON.parse(readFileSync(join(dir.path, 'node.json'), 'utf8')), nodeInfo);
    assert.equal(tokenFile, join(dir.path, 'admin.token'));
    assert.equal(credsFile, join(dir.path, 'operator.credentials.json'));
    for (const f of [tokenFile, credsFile]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
  });

  it('refuses a second solo up on the same data dir with already_exists', async () => {
    const r = await runCli(['up', '--data-dir', dir.path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error already_exists: Another Solo node \(pid \d+\)/);
  });

  it('runs the README tour: deploy, call, cast, ls, status, events, logs, kill', async () => {
    const d = await solo('deploy', 'examples/counter.ts');
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /deployed: counter \(tenant acme\)/);
    assert.match(d.stdout, /artifact: [0-9a-f]{64}/);
    assert.match(d.stdout, /took: +[\d.]+ ms/);

    const c = await solo('call', 'counter', '{"op":"inc","by":2}', '--json');
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(JSON.parse(c.stdout), { reply: { count: 2 } });

    const cast = await solo('cast', 'counter', '{"op":"inc"}');
    assert.equal(cast.code, 0, cast.stderr);
    await waitFor(async () => JSON.parse((await solo('call', 'counter', '{"op":"get"}', '--json')).stdout).reply.count === 3);

    const ls = await solo('ls');
    assert.match(ls.stdout, /^SERVICE +STATUS +VERSION +MEMORY +MAILBOX +UPTIME/m);
    assert.match(ls.stdout, /^counter +running +1 /m);

    const st = await solo('status', 'counter', '--json');
    const status = JSON.parse(st.stdout) as { status: string; messages_handled: number };
    assert.equal(status.status, 'running');
    assert.ok(status.messages_handled >= 3);

    const ev = await solo('events', '--json');
    const types = (JSON.parse(ev.stdout) as { events: { type: string }[] }).events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 2), ['service_deployed', 'service_started']);

    const logs = await solo('logs', 'counter');
    assert.match(logs.stdout, /incremented/);

    const k = await solo('kill', 'counter');
    assert.equal(k.code, 0, k.stderr);
    const gone = await solo('status', 'counter');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error not_found: /m);
  });

  it('follows events live until interrupted', async () => {
    const f = startCli(['events', '--follow', '--service', 'kv'], { env: { SOLO_DATA_DIR: dir.path, SOLO_TENANT: 'acme' }, cwd: repo });
    await new Promise((r) => setTimeout(r, 1500)); // the follow is registered once the command has connected
    assert.equal((await solo('deploy', 'examples/kv.ts')).code, 0);
    await f.waitForStdout(/service_started/);
    f.signal('SIGINT');
    const r = await f.exited;
    assert.equal(r.code, 0, r.stderr);
  });

  it('shows a crash in status and events, and answers others meanwhile', async () => {
    assert.equal((await solo('deploy', 'examples/crashy.ts')).code, 0);
    const r = await solo('call', 'crashy', '{"op":"crash"}');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error service_crashed: /m);
    await waitFor(async () => JSON.parse((await solo('status', 'crashy', '--json')).stdout).status === 'running');
    const st = JSON.parse((await solo('status', 'crashy', '--json')).stdout) as { restarts: number; last_crash: { code: string } };
    assert.equal(st.restarts, 1);
    assert.equal(st.last_crash.code, 'throw');
  });
});

describe('solo up lifecycle', () => {
  it('stops cleanly on SIGTERM: exit 0, no nats-server left, node.json and the lock removed', async () => {
    const dir = createTempDir('solo-e2e-');
    try {
      const { node, info } = await up(dir.path);
      node.signal('SIGTERM');
      const r = await node.exited;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(alive(info.nats_pid as number), false);
      assert.equal(existsSync(join(dir.path, 'node.json')), false);
      assert.equal(existsSync(join(dir.path, 'solo.lock')), false);
    } finally {
      killLeftoverClis();
      dir.remove();
    }
  });

  it('leaves no orphan nats-server after kill -9, and the next solo up takes the stale lock', async () => {
    const dir = createTempDir('solo-e2e-');
    try {
      const first = await up(dir.path);
      first.node.signal('SIGKILL');
      await first.node.exited;
      await waitFor(() => !alive(first.info.nats_pid as number), { timeoutMs: 10_000, message: 'nats-server outlived the node' });
      const second = await up(dir.path);
      assert.notEqual(second.info.pid, first.info.pid);
      second.node.signal('SIGTERM');
      assert.equal((await second.node.exited).code, 0);
    } finally {
      killLeftoverClis();
      dir.remove();
    }
  });

  it('exits with unavailable when no node runs and none is named', async () => {
    const dir = createTempDir('solo-e2e-');
    try {
      const r = await runCli(['ls'], { env: { SOLO_DATA_DIR: dir.path } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error unavailable: /m);
    } finally {
      dir.remove();
    }
  });
});
