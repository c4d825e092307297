// Credentials files on real files in a temp dir: round trip with mode 0600, no clobbering without force,
// and every refusal (bad JSON, wrong kind, missing token, too-wide permissions, missing file) with its code.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from 'nats';
import type { SoloCredentials } from '@solo/protocol';
import { createTempDir } from '@solo/testkit';
import { readCredentialsFile, writeCredentialsFile } from '../src/fs/credentials-file.ts';
import { writePrivateFile } from '../src/fs/private-file.ts';
import { readOperatorCredentials } from '../src/fs/operator-credentials.ts';

const user = nkeys.createUser();
const SEED = new TextDecoder().decode(user.getSeed());
const TOKEN = 'solo1.eyJpZCI6ImFiY2RlZmdoIn0.c2lnbmF0dXJl';
const CREDS: SoloCredentials = {
  kind: 'solo-credentials',
  version: 1,
  tenant: 'acme',
  token: TOKEN,
  nats_url: 'nats://127.0.0.1:4999',
  nats: { user: user.getPublicKey(), seed: SEED, inbox_prefix: '_INBOX_acme' },
};

const modeOf = (path: string): number => statSync(path).mode & 0o777;

function rejectsWith(fn: () => unknown, code: string, pattern?: RegExp): void {
  assert.throws(fn, (err: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    assert.ok(!err.message.includes(SEED) && !err.message.includes(TOKEN), 'the message quotes a secret');
    return true;
  });
}

describe('writeCredentialsFile / readCredentialsFile', () => {
  const dir = createTempDir();
  after(() => dir.remove());
  let n = 0;
  const path = (): string => join(dir.path, `c${++n}.json`);

  it('round-trips a credentials document with mode 0600', () => {
    const p = path();
    writeCredentialsFile(p, CREDS);
    assert.equal(modeOf(p), 0o600);
    assert.deepEqual(readCredentialsFile(p), CREDS);
  });

  it("round-trips the operator's credentials (tenant null, no NATS user)", () => {
    const p = path();
    const op: SoloCredentials = { kind: 'solo-credentials', version: 1, tenant: null, token: TOKEN };
    writeCredentialsFile(p, op);
    assert.deepEqual(readCredentialsFile(p), op);
  });

  it('refuses to overwrite an existing file without force, leaving it and no temp file behind', () => {
    const p = path();
    writeFileSync(p, 'precious', { mode: 0o600 });
    rejectsWith(() => writeCredentialsFile(p, CREDS), 'already_exists', /--force/);
    assert.equal(readFileSync(p, 'utf8'), 'precious');
    assert.deepEqual(readdirSync(dir.path).filter((f) => f.endsWith('.tmp')), []);
  });

  it('replaces an existing file with force, narrowing its mode to 0600', () => {
    const p = path();
    writeFileSync(p, 'old', { mode: 0o644 });
    writeCredentialsFile(p, CREDS, { force: true });
    assert.equal(modeOf(p), 0o600);
    assert.deepEqual(readCredentialsFile(p), CREDS);
  });

  it('refuses to write credentials that do not pass the shape check', () => {
    const p = path();
    rejectsWith(() => writeCredentialsFile(p, { ...CREDS, token: '' }), 'invalid_request');
    assert.throws(() => statSync(p), { code: 'ENOENT' });
  });

  it('refuses a path in a missing directory with invalid_request', () => {
    rejectsWith(() => writeCredentialsFile(join(dir.path, 'no-such-dir', 'c.json'), CREDS), 'invalid_request', /directory exists/);
  });

  it('refuses a file readable by others, with a chmod 600 hint, and reads it once fixed', () => {
    const p = path();
    writeCredentialsFile(p, CREDS);
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(p, mode);
      rejectsWith(() => readCredentialsFile(p), 'invalid_request', /chmod 600/);
    }
    chmodSync(p, 0o400);
    assert.deepEqual(readCredentialsFile(p), CREDS);
  });

  it('refuses a missing file and a directory with invalid_request naming the path', () => {
    rejectsWith(() => readCredentialsFile(join(dir.path, 'nope.json')), 'invalid_request', /no such file/);
    const d = join(dir.path, 'adir');
    mkdirSync(d, { mode: 0o700 });
    rejectsWith(() => readCredentialsFile(d), 'invalid_request');
  });

  const badDocuments: Array<[string, string, RegExp]> = [
    ['invalid JSON (without quoting it)', `{"token": "${TOKEN}",`, /not valid JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['the wrong kind', JSON.stringify({ ...CREDS, kind: 'nats-creds' }), /'kind'/],
    ['another version', JSON.stringify({ ...CREDS, version: 2 }), /'version'/],
    ['a missing token', JSON.stringify({ ...CREDS, token: undefined }), /'token'/],
    ['a token that is not a Solo token', JSON.stringify({ ...CREDS, token: 'abc' }), /'token'/],
    ['an invalid tenant', JSON.stringify({ ...CREDS, tenant: 'Not Valid' }), /'tenant'/],
    ['a missing tenant', JSON.stringify({ ...CREDS, tenant: undefined }), /'tenant'/],
    ['a NATS user without a seed', JSON.stringify({ ...CREDS, nats: { user: user.getPublicKey(), inbox_prefix: '_INBOX_acme' } }), /'nats.seed'/],
    ['a seed that is no nkey seed', JSON.stringify({ ...CREDS, nats: { ...CREDS.nats, seed: 'SUxyz' } }), /'nats.seed'/],
    ['a wildcard inbox prefix', JSON.stringify({ ...CREDS, nats: { ...CREDS.nats, inbox_prefix: '_INBOX.*' } }), /'nats.inbox_prefix'/],
    ['an empty nats_url', JSON.stringify({ ...CREDS, nats_url: '' }), /'nats_url'/],
  ];
  for (const [name, text, pattern] of badDocuments) {
    it(`refuses ${name} with invalid_request`, () => {
      const p = path();
      writePrivateFile(p, text);
      rejectsWith(() => readCredentialsFile(p), 'invalid_request', pattern);
    });
  }

  it("reads the operator's credentials of a data dir, or null when the node wrote none", () => {
    const dataDir = join(dir.path, 'node-data');
    mkdirSync(dataDir, { mode: 0o700 });
    assert.equal(readOperatorCredentials(dataDir), null);
    const op: SoloCredentials = { kind: 'solo-credentials', version: 1, tenant: null, token: TOKEN };
    writeCredentialsFile(join(dataDir, 'operator.credentials.json'), op);
    assert.deepEqual(readOperatorCredentials(dataDir), op);
    chmodSync(join(dataDir, 'operator.credentials.json'), 0o644);
    rejectsWith(() => readOperatorCredentials(dataDir), 'invalid_request', /chmod 600/);
  });
});
