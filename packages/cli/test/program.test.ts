// `--help` works on the program and on every command, and lists the global options everywhere.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killLeftoverClis, runCli } from './run-cli.ts';

const COMMANDS = ['up', 'deploy', 'call', 'cast', 'ls', 'status', 'events', 'logs', 'kill', 'health', 'swap', 'replace', 'rollback', 'history', 'tree', 'supervision', 'register', 'discover', 'validate', 'tenant', 'token', 'secrets', 'audit'];
/** Subcommands of the command groups: each has its own usage and the global options too. */
const SUBCOMMANDS = [
  'tenant create', 'tenant list', 'tenant show', 'tenant set-limits', 'tenant delete', 'tenant rotate-nats',
  'token grant', 'token revoke', 'token ls', 'token attenuate',
  'secrets set', 'secrets ls', 'secrets rm', 'secrets exists', 'secrets rotate-master',
  'audit export',
];
/** Runs `fn` over `items` with at most `limit` CLIs at once: each is a Node process, and the machine is shared. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
const GLOBAL_FLAGS = ['--tenant', '--nats', '--data-dir', '--token', '--credentials', '--json'];

describe('solo --help', { concurrency: true }, () => {
  after(killLeftoverClis);

  it('lists every command', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('prints usage and the global options for every command, exiting 0', async () => {
    const results = await mapLimit(COMMANDS, 3, (c) => runCli([c, '--help']).then((r) => ({ c, r })));
    for (const { c, r } of results) {
      assert.equal(r.code, 0, `${c}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: solo ${c}`, 'm'), c);
      for (const flag of GLOBAL_FLAGS) assert.ok(r.stdout.includes(flag), `${c} --help lacks ${flag}`);
      assert.equal(r.stderr, '', c);
    }
  });

  it('prints usage and the global options for every subcommand of the security groups', async () => {
    const results = await mapLimit(SUBCOMMANDS, 3, (c) => runCli([...c.split(' '), '--help']).then((r) => ({ c, r })));
    for (const { c, r } of results) {
      assert.equal(r.code, 0, `${c}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: solo ${c}`, 'm'), c);
      for (const flag of GLOBAL_FLAGS) assert.ok(r.stdout.includes(flag), `${c} --help lacks ${flag}`);
    }
  });

  it('answers `solo help <command>` too', async () => {
    const r = await runCli(['help', 'deploy']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--service-id <id>/);
  });
});
