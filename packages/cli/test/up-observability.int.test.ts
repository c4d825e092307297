// `solo up` observability flags, as a user runs them: --http-port / --http-host (printed and recorded as
// http_url), --log-level over SOLO_LOG_LEVEL, JSON log lines when stderr is not a terminal, and
// `solo deploy --log-level` (issue #8).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, freePort, waitFor, type TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli, startCli, type RunningCli } from './run-cli.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

describe('solo up observability flags: usage errors', { concurrency: 4 }, () => {
  let dir: TempDir;
  before(() => {
    dir = createTempDir();
  });
  after(() => {
    killLeftoverClis();
    dir.remove();
  });
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown --log-level', ['up', '--log-level', 'loud'], {}, /--log-level 'loud' is not one of: debug, info, warn, error, silent/],
    ['an unknown SOLO_LOG_LEVEL', ['up'], { SOLO_LOG_LEVEL: 'chatty' }, /--log-level 'chatty' is not one of/],
    ['an --http-port beyond 65535', ['up', '--http-port', '70000'], {}, /--http-port must be a TCP port/],
    ['an --http-port that is not a number', ['up', '--http-port', 'eighty'], {}, /--http-port must be an integer/],
    ['a --grpc-port beyond 65535', ['up', '--grpc-port', '70000'], {}, /--grpc-port must be a TCP port/],
    ['an unknown deploy --log-level', ['deploy', join(repo, 'examples', 'counter.ts'), '--log-level', 'verbose'], {}, /--log-level 'verbose' is not one of: debug, info, warn, error/],
  ];
  for (const [name, args, env, message] of cases) {
    it(`exits 2 with invalid_request for ${name}`, async () => {
      const r = await runCli(args, { cwd: dir.path, env: { SOLO_DATA_DIR: join(dir.path, 'data'), ...env } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error invalid_request: /);
      assert.match(r.stderr, message);
      assert.ok(!r.stderr.includes('"msg"'), 'no node was started');
    });
  }
});

describe('solo up with --http-port and --log-level', () => {
  let dir: TempDir;
  let node: RunningCli;
  let port: number;

  before(async () => {
    dir = createTempDir('solo-up-obs-');
    port = await freePort();
    node = startCli(['up', '--data-dir', dir.path, '--http-port', String(port), '--log-level', 'debug'], {
      env: { SOLO_LOG_LEVEL: 'error' },
      timeoutMs: 600_000,
    });
    await node.waitForStdout(/started at: .+\n/, 30_000);
  });
  after(async () => {
    node.signal('SIGTERM');
    await node.exited;
    killLeftoverClis();
    dir.remove();
  });

  it('prints and records the HTTP door, which serves /metrics and /health', async () => {
    const url = `http://127.0.0.1:${port}`;
    assert.match(node.stdout(), new RegExp(`http: +${url} \\(REST API, /openapi.json, /metrics, /health\\)`));
    const info = JSON.parse(readFileSync(join(dir.path, 'node.json'), 'utf8')) as { http_url: string };
    assert.equal(info.http_url, url);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    assert.match(await (await fetch(`${url}/metrics`)).text(), /^solo_nats_connected 1$/m);
  });

  it('writes JSON log lines at the level of the flag, which wins over SOLO_LOG_LEVEL', async () => {
    const records = (): { level: string; msg: string; verb?: string }[] =>
      node
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; msg: string });
    assert.ok(records().some((r) => r.level === 'info' && r.msg === 'node started'), node.stderr());
    // The /health request of the test above is a debug record: written because the flag said debug.
    await waitFor(() => records().some((r) => r.level === 'debug' && r.msg === 'request handled' && r.verb === 'health'), { timeoutMs: 10_000 });
  });

  it('deploys with --log-level into the service_deployed event', async () => {
    const env = { SOLO_DATA_DIR: dir.path, SOLO_TENANT: 'obs' };
    const d = await runCli(['deploy', 'examples/counter.ts', '--log-level', 'warn'], { env, cwd: repo });
    assert.equal(d.code, 0, d.stderr);
    const r = await runCli(['events', '--type', 'service_deployed', '--json'], { env, cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    const reply = JSON.parse(r.stdout) as { events: { data: { options: { log_level: string } } }[] };
    assert.equal(reply.events[0]?.data.options.log_level, 'warn');
  });
});
