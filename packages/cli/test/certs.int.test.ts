// `solo certs issue`: writes a client certificate naming the tenant (CN and URI SAN solo:tenant:<t>), signed by
// the data dir's CA, with a private key only its owner can read; a bad tenant id is a usage error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli } from './run-cli.ts';

describe('solo certs issue', () => {
  let dir: TempDir;
  before(() => {
    dir = createTempDir();
  });
  after(() => {
    killLeftoverClis();
    dir.remove();
  });

  it('writes a certificate for the tenant signed by the data dir CA', async () => {
    const out = join(dir.path, 'out');
    const r = await runCli(['certs', 'issue', 'acme', '--out', out, '--json'], {
      cwd: dir.path,
      env: { SOLO_DATA_DIR: join(dir.path, 'data') },
    });
    assert.equal(r.code, 0, r.stderr);
    const issued = JSON.parse(r.stdout) as { tenant: string; cert: string; key: string; ca: string };
    assert.deepEqual(issued, {
      tenant: 'acme',
      cert: join(out, 'acme.crt'),
      key: join(out, 'acme.key'),
      ca: join(out, 'ca.crt'),
    });
    assert.equal(statSync(issued.key).mode & 0o777, 0o600);
    const text = execFileSync('openssl', ['x509', '-in', issued.cert, '-noout', '-subject', '-ext', 'subjectAltName'], {
      encoding: 'utf8',
    });
    assert.match(text, /CN ?= ?acme/);
    assert.match(text, /URI:solo:tenant:acme/);
    execFileSync('openssl', ['verify', '-CAfile', join(dir.path, 'data', 'tls', 'ca.crt'), issued.cert]);
  });

  it('exits 2 with invalid_request for a bad tenant id', async () => {
    const r = await runCli(['certs', 'issue', 'Not Valid!'], {
      cwd: dir.path,
      env: { SOLO_DATA_DIR: join(dir.path, 'data') },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error invalid_request: /);
  });
});
