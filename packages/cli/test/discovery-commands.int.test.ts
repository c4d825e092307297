// `solo register` and `solo discover` against a real node: flags reach the node, the table and --json print,
// and bad flags fail with their codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OPERATOR_CREDENTIALS_FILE } from '@solo/protocol';
import { startNode, type RunningNode } from '@solo/gateway';
import { connectSolo } from '@solo/sdk';
import { createTempDir, uniqueName, type TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli } from './run-cli.ts';

const COUNTER = 'export default { version: "1.0.0", init: () => 0, handleCall: (m, s) => ({ reply: s, state: s }) };';

describe('solo register / discover', () => {
  let node: RunningNode;
  let dir: TempDir;
  const tenant = uniqueName();
  // The operator's credentials file: with --nats/SOLO_NATS_URL the CLI never picks up a data dir's own.
  const solo = (args: string[]) => runCli(args, { env: { SOLO_NATS_URL: node.info.nats_url, SOLO_TENANT: tenant, SOLO_CREDENTIALS: join(dir.path, OPERATOR_CREDENTIALS_FILE) }, cwd: dir.path });

  before(async () => {
    dir = createTempDir();
    node = await startNode({ dataDir: dir.path });
    const client = await connectSolo({ natsUrl: node.info.nats_url, tenant, credentials: node.operatorCredentials });
    await client.deploy({ service_id: 'api', source: COUNTER });
    await client.close();
  });
  after(async () => {
    await killLeftoverClis();
    await node.stop();
    dir.remove();
  });

  it('registers with tags and a TTL, then discovers by name and filter', async () => {
    const r = await solo(['register', 'api', '--name', 'users', '--tag', 'role=api', '--tag', 'env=prod', '--ttl', '30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`registered ${tenant}/api/users version 1.0.0 until `));
    const d = await solo(['discover', 'users', '--filter', 'role=api,env=prod']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^ID\s+VERSION\s+ALIVE\s+TAGS\s+EXPIRES/m);
    assert.match(d.stdout, new RegExp(`${tenant}/api/users\\s+1.0.0\\s+yes\\s+role=api,env=prod`));
    const none = await solo(['discover', 'users', '--filter', 'env=dev', '--json']);
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual((JSON.parse(none.stdout) as { services: unknown[] }).services, []);
  });

  it('fails with the code of a bad flag or an unknown service', async () => {
    const ghost = await solo(['register', 'ghost', '--name', 'x']);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /^error not_found: /m);
    const badTag = await solo(['register', 'api', '--name', 'x', '--tag', 'novalue']);
    assert.notEqual(badTag.code, 0);
    assert.match(badTag.stderr, /error invalid_request: .*--tag/);
    const badFilter = await solo(['discover', '--filter', '=x']);
    assert.match(badFilter.stderr, /error invalid_request: .*--filter/);
  });
});
