// Usage errors: a wrong command line prints `error invalid_request: …` (or the wire shape with --json) and
// exits 2, before anything is connected. No NATS is needed: nothing here gets that far.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@solo/testkit';
import type { TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli } from './run-cli.ts';

describe('usage errors', { concurrency: 6 }, () => {
  let dir: TempDir;
  // An empty data dir: had a usage error got as far as connecting, the test would see `unavailable` instead.
  const env = (): Record<string, string> => ({ SOLO_DATA_DIR: join(dir.path, 'data') });
  before(() => {
    dir = createTempDir();
    writeFileSync(join(dir.path, 'My Service.ts'), 'export default {};');
  });
  after(() => {
    killLeftoverClis();
    dir.remove();
  });

  const cases: Array<[string, string[], RegExp]> = [
    ['a call message that is not JSON', ['call', 'counter', '{op:inc}'], /is not valid JSON/],
    ['a cast message that is not JSON', ['cast', 'counter', 'nope'], /is not valid JSON/],
    ['deploy --args that are not JSON', ['deploy', 'x.ts', '--args', '{'], /--args value/],
    ['an invalid service id', ['status', 'Bad.Id'], /Invalid service id 'Bad\.Id'/],
    ['an invalid tenant', ['ls', '--tenant', 'ACME'], /Invalid tenant id 'ACME'/],
    ['a limit that is not a number', ['ls', '--limit', 'ten'], /--limit must be an integer/],
    ['an unknown status', ['ls', '--status', 'sleepy'], /--status 'sleepy' is not one of/],
    ['an unknown event type', ['events', '--type', 'exploded'], /--type 'exploded' is not one of/],
    ['--limit with --follow', ['logs', '--follow', '--limit', '3'], /--limit does not apply with --follow/],
    ['a missing argument', ['call', 'counter'], /missing required argument 'json'.*solo call --help/],
    ['an unknown option', ['ls', '--colour'], /unknown option '--colour'.*solo ls --help/],
    ['an unknown command', ['explode'], /unknown command 'explode'.*solo --help/],
    ['a file that does not exist', ['deploy', 'missing.ts'], /Cannot read service file 'missing\.ts' \(no such file/],
    ['a file name that is no service id', ['deploy', 'My Service.ts'], /Pass one with --service-id/],
  ];
  for (const [name, args, message] of cases) {
    it(`exits 2 with invalid_request for ${name}`, async () => {
      const r = await runCli(args, { cwd: dir.path, env: env() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error invalid_request: /);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('prints the wire shape on stdout with --json', async () => {
    const r = await runCli(['call', 'counter', '{bad', '--json'], { cwd: dir.path, env: env() });
    assert.equal(r.code, 2);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const doc = JSON.parse(lines[0] ?? '') as { ok: boolean; error: { code: string; message: string } };
    assert.equal(doc.ok, false);
    assert.equal(doc.error.code, 'invalid_request');
    assert.match(doc.error.message, /not valid JSON/);
    assert.equal(r.stderr, '');
  });

  it('prints commander errors in the wire shape with --json too', async () => {
    const r = await runCli(['--json', 'kill'], { cwd: dir.path, env: env() });
    assert.equal(r.code, 2);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'invalid_request');
  });

  it('exits 2 after printing help when no command is given', async () => {
    const r = await runCli([], { cwd: dir.path, env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stdout + r.stderr, /Usage: solo/);
  });
});
