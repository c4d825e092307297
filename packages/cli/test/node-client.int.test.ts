// How the CLI finds a node, and what it says when there is none: `error unavailable: …`, exit 1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, freePort, startNatsServer, uniqueName } from '@solo/testkit';
import type { TempDir, TestNatsServer } from '@solo/testkit';
import { startFakeNode } from './fake-node.ts';
import { killLeftoverClis, runCli } from './run-cli.ts';

describe('finding the node', () => {
  let dir: TempDir;
  let nats: TestNatsServer;
  before(async () => {
    dir = createTempDir();
    nats = await startNatsServer();
  });
  after(async () => {
    killLeftoverClis();
    await nats.stop();
    dir.remove();
  });

  const writeNodeJson = (dataDir: string, pid: number, natsUrl: string): void => {
    mkdirSync(dataDir, { recursive: true });
    const info = {
      node_id: 'n1',
      nats_url: natsUrl,
      data_dir: dataDir,
      pid,
      nats_pid: null,
      embedded_nats: false,
      started_at: new Date().toISOString(),
      http_url: 'http://127.0.0.1:1',
      grpc_url: 'grpcs://127.0.0.1:1',
    };
    writeFileSync(join(dataDir, 'node.json'), JSON.stringify(info));
  };

  it('says to run `solo up` when the data dir has no node', async () => {
    const r = await runCli(['ls'], { cwd: dir.path });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error unavailable: No Solo node is running on data dir .*\.solo/);
    assert.match(r.stderr, /solo up/);
    assert.match(r.stderr, /--nats/);
  });

  it('prints the wire shape for a missing node with --json', async () => {
    const r = await runCli(['health', '--json', '--data-dir', join(dir.path, 'none')]);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; details: { data_dir: string } } };
    assert.deepEqual(
      [doc.ok, doc.error.code, doc.error.details.data_dir],
      [false, 'unavailable', join(dir.path, 'none')],
    );
  });

  it('ignores a node.json left behind by a dead node', async () => {
    const dataDir = join(dir.path, 'stale');
    writeNodeJson(dataDir, spawnSync('true').pid, nats.url);
    const r = await runCli(['ls', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error unavailable: No Solo node is running on data dir/);
  });

  it('reaches the node named by a live node.json', async () => {
    const tenant = uniqueName();
    const dataDir = join(dir.path, 'live');
    // The test process stands in for the node's pid: it is alive, which is all readNodeInfo checks.
    writeNodeJson(dataDir, process.pid, nats.url);
    const node = await startFakeNode(nats.url, tenant, () => ({
      ok: true,
      status: 'ready',
      node_id: 'n1',
      version: '0.1.0',
      uptime_ms: 1000,
      services: { running: 0, failed: 0, restarting: 0, total: 0 },
    }));
    try {
      const r = await runCli(['health', '--tenant', tenant], { env: { SOLO_DATA_DIR: dataDir } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^status: +ready$/m);
    } finally {
      await node.close();
    }
  });

  it('reports no responders on --nats as unavailable', async () => {
    const r = await runCli(['health', '--nats', nats.url, '--tenant', uniqueName()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error unavailable: No Solo node answers on nats:\/\/127\.0\.0\.1:\d+/);
  });

  it('reports a NATS URL nobody listens on as unavailable', async () => {
    const port = await freePort();
    const r = await runCli(['ls'], { env: { SOLO_NATS_URL: `nats://127.0.0.1:${port}` } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error unavailable: Cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+/);
  });
});
