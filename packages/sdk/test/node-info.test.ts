// readNodeInfo on real files: missing, stale (dead pid), live and malformed node files.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@solo/testkit';
import type { NodeInfo } from '@solo/protocol';
import { NODE_INFO_FILE, readNodeInfo } from '../src/fs/node-info.ts';

describe('readNodeInfo', () => {
  const dir = createTempDir();
  after(() => dir.remove());
  const info = (pid: number): NodeInfo => ({
    node_id: 'n1',
    nats_url: 'nats://127.0.0.1:4222',
    data_dir: dir.path,
    pid,
    nats_pid: null,
    embedded_nats: false,
    started_at: '2025-01-01T00:00:00.000Z',
    http_url: 'http://127.0.0.1:8080',
    grpc_url: 'grpcs://127.0.0.1:8443',
  });

  it('returns null when there is no node file', () => {
    assert.equal(readNodeInfo(dir.path), null);
  });

  it('returns the info when its pid is alive', () => {
    writeFileSync(join(dir.path, NODE_INFO_FILE), JSON.stringify(info(process.pid)));
    assert.deepEqual(readNodeInfo(dir.path), info(process.pid));
  });

  it('returns null when its pid is dead', () => {
    const dead = spawnSync('true').pid;
    writeFileSync(join(dir.path, NODE_INFO_FILE), JSON.stringify(info(dead)));
    assert.equal(readNodeInfo(dir.path), null);
  });

  it('throws unavailable for a file that is not a node file', () => {
    writeFileSync(join(dir.path, NODE_INFO_FILE), '{"node_id":');
    assert.throws(() => readNodeInfo(dir.path), { code: 'unavailable' });
  });
});
