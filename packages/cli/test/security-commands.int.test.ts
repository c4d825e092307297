// The security commands end to end against a real node (embedded nats-server with nkey users): the operator
// (local operator credentials, no flags) creates a tenant, whose credentials file then deploys and calls as
// that tenant; tokens are granted narrow, refused, revoked, attenuated; secrets go in on stdin and never come
// out; the audit export lists the calls; NATS credentials rotate; the tenant is deleted. Secrets never reach
// stdout, in human or --json mode.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type RunningNode } from '@solo/gateway';
import type { AuditRecord, SoloCredentials, TokenInfo } from '@solo/protocol';
import { createTempDir, uniqueName, type TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli, type CliResult } from './run-cli.ts';

const COUNTER = 'export default { version: "1", init: () => 0, handleCall: (m, s) => ({ reply: s + 1, state: s + 1 }) };';
const EVIL = 'export default {\n  init: () => 0,\n  handleCall: (m, s) => ({ reply: eval("1"), state: s }),\n};\n';
const SECRET_VALUE = 'hunter2-is-not-a-password';

describe('solo tenant / token / secrets / audit / validate (real node)', () => {
  let node: RunningNode;
  let dir: TempDir;
  const tenant = uniqueName('sec');
  let credsFile: string;
  let creds: SoloCredentials;
  let narrow = '';

  /** `solo` run from the temp dir; the data dir gives the local node and its operator credentials. */
  const solo = (args: string[], o: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> =>
    runCli(['--data-dir', dir.path, ...args], { cwd: dir.path, env: o.env ?? {}, ...(o.input === undefined ? {} : { input: o.input }), timeoutMs: 60_000 });
  /** `solo` as the tenant: its credentials file, and a data dir with no node (so nothing local leaks in). */
  const asTenant = (args: string[], o: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> =>
    runCli(['--data-dir', join(dir.path, 'elsewhere'), '--credentials', credsFile, ...args], { cwd: dir.path, env: o.env ?? {}, ...(o.input === undefined ? {} : { input: o.input }), timeoutMs: 60_000 });
  const ok = (r: CliResult): CliResult => {
    assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const fails = (r: CliResult, exit: number, code: string): void => {
    assert.equal(r.code, exit, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error ${code}: `, 'm'));
  };
  const noSecrets = (r: CliResult): void => {
    for (const s of [creds.token, creds.nats?.seed ?? '§', SECRET_VALUE]) {
      assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'a secret was printed');
    }
  };

  before(async () => {
    dir = createTempDir();
    node = await startNode({ dataDir: dir.path });
    credsFile = join(dir.path, `${tenant}.credentials.json`);
  });
  after(async () => {
    killLeftoverClis();
    await node.stop();
    dir.remove();
  });

  it('creates a tenant and writes its credentials (mode 0600), printing the path and token id only', async () => {
    const r = ok(await solo(['tenant', 'create', tenant, '--max-services', '5', '--rate', '200:400']));
    assert.equal(statSync(credsFile).mode & 0o777, 0o600);
    creds = JSON.parse(readFileSync(credsFile, 'utf8')) as SoloCredentials;
    assert.equal(creds.tenant, tenant);
    assert.ok(creds.nats?.seed.startsWith('SU'), 'the embedded NATS gives the tenant an nkey user');
    assert.ok(r.stdout.includes(credsFile));
    assert.match(r.stdout, /token id:\s+\S{8,}/);
    noSecrets(r);
    const show = ok(await solo(['tenant', 'show', tenant, '--json']));
    assert.deepEqual((JSON.parse(show.stdout) as { tenant: { limits: unknown } }).tenant.limits, { max_services: 5, max_memory_mb: 4096, rate: { requests_per_second: 200, burst: 400 } });
  });

  it('prints no secret with --json either, and refuses an existing file before creating anything', async () => {
    const other = uniqueName('sec');
    const r = ok(await solo(['--json', 'tenant', 'create', other, '--out', 'other.json']));
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(doc['credentials_file'], join(dir.path, 'other.json'));
    assert.equal(typeof doc['token_id'], 'string');
    const written = JSON.parse(readFileSync(join(dir.path, 'other.json'), 'utf8')) as SoloCredentials;
    assert.ok(!r.stdout.includes(written.token) && !r.stdout.includes(written.nats?.seed ?? '§'));
    // The file exists: refused as a usage error, and the tenant is not created.
    const third = uniqueName('sec');
    fails(await solo(['tenant', 'create', third, '--out', 'other.json']), 2, 'already_exists');
    const list = ok(await solo(['tenant', 'list', '--json']));
    assert.ok(!list.stdout.includes(third));
    fails(await solo(['tenant', 'create', other, '--out', 'again.json']), 1, 'already_exists');
    ok(await solo(['tenant', 'delete', other, '--yes']));
  });

  it('deploys and calls as the tenant with its credentials file', async () => {
    writeFileSync(join(dir.path, 'counter.ts'), COUNTER);
    const d = ok(await asTenant(['deploy', 'counter.ts']));
    assert.match(d.stdout, new RegExp(`deployed: counter \\(tenant ${tenant}\\)`));
    assert.equal(ok(await asTenant(['call', 'counter', '{}'])).stdout.trim(), '1');
    // The operator (local credentials) sees it under the tenant.
    assert.match(ok(await solo(['--tenant', tenant, 'ls'])).stdout, /counter/);
  });

  it('grants a narrow token printed alone on one line, which may call but not deploy', async () => {
    const g = ok(await asTenant(['token', 'grant', '--perm', 'call', '--service', 'count*', '--ttl', '15m', '--rate', '10:20', '--label', 'narrow']));
    assert.match(g.stdout, /^solo1\.[A-Za-z0-9_.-]+\n$/);
    narrow = g.stdout.trim();
    assert.equal(ok(await asTenant(['--token', narrow, 'call', 'counter', '{}'])).stdout.trim(), '2');
    fails(await asTenant(['--token', narrow, 'deploy', 'counter.ts', '--service-id', 'other']), 1, 'forbidden');
    fails(await asTenant(['token', 'grant', '--perm', 'call,root']), 2, 'invalid_request');
    // With --out the token goes to a 0600 file only.
    const f = ok(await asTenant(['token', 'grant', '--perm', 'status', '--ephemeral', '--out', 'status.token']));
    const written = readFileSync(join(dir.path, 'status.token'), 'utf8').trim();
    assert.equal(statSync(join(dir.path, 'status.token')).mode & 0o777, 0o600);
    assert.ok(!f.stdout.includes(written));
    assert.match(f.stdout, /written to .*status\.token \(mode 0600\)/);
    ok(await asTenant(['--token', written, 'status', 'counter']));
  });

  it('narrows a token locally with attenuate; a widening is refused', async () => {
    const a = ok(await asTenant(['token', 'attenuate', '--perm', 'status', '--ttl', '5m']));
    const statusOnly = a.stdout.trim();
    assert.match(statusOnly, /^solo1\./);
    ok(await asTenant(['--token', statusOnly, 'status', 'counter']));
    fails(await asTenant(['--token', statusOnly, 'call', 'counter', '{}']), 1, 'forbidden');
    fails(await asTenant(['--token', narrow, 'token', 'attenuate', '--perm', 'deploy']), 1, 'forbidden');
  });

  it('revokes the narrow token, which is then refused with unauthorized', async () => {
    const ls = ok(await asTenant(['token', 'ls', '--json']));
    const tokens = (JSON.parse(ls.stdout) as { tokens: TokenInfo[] }).tokens;
    const info = tokens.find((t) => t.label === 'narrow');
    assert.ok(info, ls.stdout);
    assert.deepEqual(info.permissions, ['call']);
    assert.ok(!ls.stdout.includes(narrow));
    ok(await asTenant(['token', 'revoke', info.token_id]));
    fails(await asTenant(['--token', narrow, 'call', 'counter', '{}']), 1, 'unauthorized');
  });

  it('stores a secret from stdin and never prints its value', async () => {
    const set = ok(await asTenant(['secrets', 'set', 'DB_PASS'], { input: `${SECRET_VALUE}\n` }));
    assert.match(set.stdout, /stored secret DB_PASS \(version 1, 25 B\)/);
    noSecrets(set);
    const ls = ok(await asTenant(['secrets', 'ls', '--json']));
    assert.deepEqual((JSON.parse(ls.stdout) as { secrets: { name: string; size: number }[] }).secrets.map((s) => [s.name, s.size]), [['DB_PASS', SECRET_VALUE.length]]);
    noSecrets(ls);
    assert.match(ok(await asTenant(['secrets', 'exists', 'DB_PASS'])).stdout, /exists/);
    const missing = await asTenant(['secrets', 'exists', 'NOPE']);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /does not exist/);
    const flagged = ok(await asTenant(['secrets', 'set', 'API_KEY', '--value', 'abc']));
    assert.match(flagged.stderr, /warning: --value/);
    fails(await asTenant(['secrets', 'set', '9bad name'], { input: 'x' }), 1, 'invalid_request');
    assert.match(ok(await asTenant(['secrets', 'rm', 'DB_PASS'])).stdout, /deleted secret DB_PASS/);
    assert.equal((await asTenant(['secrets', 'exists', 'DB_PASS'])).code, 1);
  });

  it('validates a module against the node: findings as file:line:col, exit 1 on an error', async () => {
    writeFileSync(join(dir.path, 'evil.ts'), EVIL);
    ok(await asTenant(['validate', 'counter.ts']));
    const bad = await asTenant(['validate', 'evil.ts']);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /^evil\.ts:3:\d+ no-eval /m);
    const json = await asTenant(['validate', 'evil.ts', '--json']);
    const doc = JSON.parse(json.stdout) as { valid: boolean; findings: { rule: string }[] };
    assert.equal(doc.valid, false);
    assert.ok(doc.findings.some((f) => f.rule === 'no-eval'));
  });

  it('exports the audit trail as CSV and JSON Lines, with the calls in it', async () => {
    const csv = ok(await solo(['audit', 'export', '--format', 'csv', '--tenant', tenant, '--since', '1h']));
    const rows = csv.stdout.trim().split('\r\n');
    assert.equal(rows[0], 'at,door,verb,tenant,token_id,outcome,correlation_id,duration_ms,service_id');
    assert.ok(rows.some((row) => row.split(',')[2] === 'call' && row.split(',')[5] === 'ok'), csv.stdout);
    const jsonl = ok(await solo(['audit', 'export', '--tenant', tenant, '--limit', '1000']));
    const records = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    assert.ok(records.every((r) => r.tenant === tenant));
    assert.ok(records.some((r) => r.verb === 'call' && r.outcome === 'ok'));
    assert.ok(records.some((r) => r.verb === 'call' && r.outcome === 'unauthorized'), 'the revoked token shows');
    fails(await solo(['audit', 'export', '--format', 'xml']), 2, 'invalid_request');
    fails(await asTenant(['audit', 'export']), 1, 'forbidden');
  });

  it('refuses an unusable credentials file and a conflicting tenant as usage errors', async () => {
    const loose = join(dir.path, 'loose.json');
    copyFileSync(credsFile, loose);
    chmodSync(loose, 0o644);
    const r = await solo(['--credentials', loose, 'ls']);
    fails(r, 2, 'invalid_request');
    assert.match(r.stderr, /chmod 600/);
    fails(await asTenant(['--tenant', 'someone-else', 'ls']), 2, 'invalid_request');
  });

  it("rotates the tenant's NATS user: the old seed stops connecting, the updated file works", async () => {
    const old = join(dir.path, 'old.json');
    copyFileSync(credsFile, old);
    ok(await solo(['tenant', 'rotate-nats', tenant, '--out', credsFile]));
    const updated = JSON.parse(readFileSync(credsFile, 'utf8')) as SoloCredentials;
    assert.notEqual(updated.nats?.seed, creds.nats?.seed);
    assert.equal(updated.token, creds.token);
    fails(await solo(['--data-dir', join(dir.path, 'elsewhere'), '--credentials', old, 'ls']), 1, 'unauthorized');
    ok(await asTenant(['ls']));
    creds = updated;
  });

  it('deletes the tenant only with --yes; its credentials are refused afterwards', async () => {
    fails(await solo(['tenant', 'delete', tenant]), 2, 'invalid_request');
    const del = ok(await solo(['tenant', 'delete', tenant, '--yes', '--json']));
    assert.equal((JSON.parse(del.stdout) as { services_killed: number }).services_killed, 1);
    const after = await asTenant(['ls']);
    assert.equal(after.code, 1);
    assert.match(after.stderr, /^error (unauthorized|forbidden): /m);
  });
});
