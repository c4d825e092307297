// `--help` works on the program and on every command, and lists the global options everywhere.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killLeftoverClis, runCli } from './run-cli.ts';

const COMMANDS = ['up', 'deploy', 'call', 'cast', 'ls', 'status', 'events', 'logs', 'kill', 'health', 'swap', 'replace', 'rollback', 'history', 'tree', 'supervision', 'register', 'discover'];

describe('solo --help', { concurrency: true }, () => {
  after(killLeftoverClis);

  it('lists every command', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('prints usage and the global options for every command, exiting 0', async () => {
    const results = await Promise.all(COMMANDS.map((c) => runCli([c, '--help']).then((r) => ({ c, r }))));
    for (const { c, r } of results) {
      assert.equal(r.code, 0, `${c}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: solo ${c}`, 'm'), c);
      for (const flag of ['--tenant', '--nats', '--data-dir', '--token', '--json'])
        assert.ok(r.stdout.includes(flag), `${c} --help lacks ${flag}`);
      assert.equal(r.stderr, '', c);
    }
  });

  it('answers `solo help <command>` too', async () => {
    const r = await runCli(['help', 'deploy']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--service-id <id>/);
  });
});
