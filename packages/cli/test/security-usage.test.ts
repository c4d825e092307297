// Usage errors of the security commands: each exits 2 with `error <code>: …` before anything is connected
// (the data dir is empty: had a case got as far as connecting, it would fail with `unavailable` instead).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@solo/testkit';
import type { TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli } from './run-cli.ts';

describe('security commands: usage errors', { concurrency: 3 }, () => {
  let dir: TempDir;
  const env = (): Record<string, string> => ({ SOLO_DATA_DIR: join(dir.path, 'data') });
  before(() => {
    dir = createTempDir();
    writeFileSync(join(dir.path, 'taken.json'), '{}');
  });
  after(() => {
    killLeftoverClis();
    dir.remove();
  });

  const cases: Array<[string, string[], string, RegExp]> = [
    ['tenant delete without --yes', ['tenant', 'delete', 'acme'], 'invalid_request', /Pass --yes to confirm/],
    ['an invalid tenant id', ['tenant', 'create', 'Not Valid'], 'invalid_request', /Invalid tenant id/],
    ['a credentials file that exists', ['tenant', 'create', 'acme', '--out', 'taken.json'], 'already_exists', /--force/],
    ['set-limits with nothing to set', ['tenant', 'set-limits', 'acme'], 'invalid_request', /Nothing to change/],
    ['rotate-nats without the credentials file', ['tenant', 'rotate-nats', 'acme'], 'invalid_request', /does not exist/],
    ['an unknown permission', ['token', 'grant', '--perm', 'deploy,root'], 'invalid_request', /--perm: .*unknown permission "root"/],
    ['no permission', ['token', 'grant'], 'invalid_request', /--perm/],
    ['a lifetime without a unit', ['token', 'grant', '--perm', 'call', '--ttl', '90'], 'invalid_request', /--ttl must be a lifetime/],
    ['a malformed rate', ['token', 'grant', '--perm', 'call', '--rate', '10:x'], 'invalid_request', /--rate must be RPS or RPS:BURST/],
    ['a token file that exists', ['token', 'grant', '--perm', 'call', '--out', 'taken.json'], 'already_exists', /--force/],
    ['attenuate without a token', ['token', 'attenuate', '--perm', 'call'], 'invalid_request', /No token to narrow/],
    ['attenuate with nothing to narrow', ['--token', 'solo1.a.b', 'token', 'attenuate'], 'invalid_request', /Nothing to narrow/],
    ['both --value and --from-file', ['secrets', 'set', 'X', '--value', 'v', '--from-file', 'f'], 'invalid_request', /at most one/],
    ['a --from-file that does not exist', ['secrets', 'set', 'X', '--from-file', 'nope.txt'], 'invalid_request', /Cannot read --from-file/],
    ['an unknown audit format', ['audit', 'export', '--format', 'xml'], 'invalid_request', /--format 'xml'/],
    ['a --since that is no time', ['audit', 'export', '--since', 'yesterday'], 'invalid_request', /Invalid --since/],
    ['an audit limit over 10000', ['audit', 'export', '--limit', '10001'], 'invalid_request', /at most 10000/],
    ['a credentials file that does not exist', ['--credentials', 'missing.json', 'ls'], 'invalid_request', /no such file/],
    ['a validate file that does not exist', ['validate', 'missing.ts'], 'invalid_request', /Cannot read service file/],
  ];
  for (const [name, args, code, message] of cases) {
    it(`exits 2 with ${code} for ${name}`, async () => {
      const r = await runCli(args, { cwd: dir.path, env: env() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^error ${code}: `));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('prints the wire shape with --json, including for --format with --json', async () => {
    const r = await runCli(['--json', 'audit', 'export', '--format', 'csv'], { cwd: dir.path, env: env() });
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(doc.error.code, 'invalid_request');
    assert.match(doc.error.message, /--format does not apply with --json/);
  });

  it('fails operator commands with unauthorized when no admin token is at hand', async () => {
    const r = await runCli(['--nats', 'nats://127.0.0.1:1', 'tenant', 'list'], { cwd: dir.path, env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error unauthorized: Operator commands need the admin token/);
  });
});
