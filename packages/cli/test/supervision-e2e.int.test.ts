// End to end: the supervision and hot swap commands (`solo supervision`, `tree`, `swap`, `replace`,
// `rollback`, `history`, deploy's supervision flags) against a real node started with `solo up`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTempDir, waitFor, type TempDir } from '@solo/testkit';
import { killLeftoverClis, runCli, startCli, type RunningCli } from './run-cli.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

describe('solo supervision and hot swap commands against a real node', () => {
  let dir: TempDir;
  let node: RunningCli;
  const solo = (...args: string[]) =>
    runCli(args, { env: { SOLO_DATA_DIR: dir.path, SOLO_TENANT: 'acme' }, cwd: repo });
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await solo(...args, '--json');
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as T;
  };

  before(async () => {
    dir = createTempDir('solo-e2e-sup-');
    node = startCli(['up', '--data-dir', dir.path, '--json'], { timeoutMs: 600_000 });
    await node.waitForStdout(/\}\s*$/, 30_000);
  });
  after(async () => {
    node.signal('SIGTERM');
    await node.exited;
    killLeftoverClis();
    dir.remove();
  });

  it('swaps counter to version 2 keeping its count, lists the history and rolls back', async () => {
    assert.equal((await solo('deploy', 'examples/counter.ts')).code, 0);
    await solo('call', 'counter', '{"op":"inc","by":5}');
    const s = await solo('swap', 'counter', 'examples/counter-v2.ts', '--rollback-window', '0');
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^swapped: +counter 1 -> 2 \(code 2\.0\.0\)$/m);
    assert.match(s.stdout, /^switch: +[\d.]+ ms \(mailbox held\)$/m);
    assert.deepEqual((await json<{ reply: unknown }>('call', 'counter', '{"op":"inc"}')).reply, { count: 6, incs: 1 });

    const h = await solo('history', 'counter');
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^VERSION +CODE +VIA +AT +ARTIFACT$/m);
    assert.match(h.stdout, /^2 \* +2\.0\.0 +swap +\S+ +[0-9a-f]{64}$/m);
    assert.match(h.stdout, /^1 +1\.0\.0 +deploy /m);

    const rb = await solo('rollback', 'counter');
    assert.equal(rb.code, 0, rb.stderr);
    assert.match(rb.stdout, /^rolled back: +counter 2 -> 1 \(code 1\.0\.0\), fresh state$/m);
    assert.deepEqual((await json<{ reply: unknown }>('call', 'counter', '{"op":"get"}')).reply, { count: 0 });

    const rp = await solo('replace', 'counter', 'examples/counter-v2.ts');
    assert.equal(rp.code, 0, rp.stderr);
    assert.match(rp.stdout, /^replaced: +counter 1 -> 3 \(code 2\.0\.0\), fresh state$/m);
  });

  it('refuses bad code-change input with the right codes and exit status', async () => {
    const missing = await solo('swap', 'nope', 'examples/counter-v2.ts');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error not_found: /m);
    const badWindow = await solo('swap', 'counter', 'examples/counter-v2.ts', '--rollback-window', 'soon');
    assert.equal(badWindow.code, 2);
    assert.match(badWindow.stderr, /^error invalid_request: --rollback-window must be a duration/m);
    const badVersion = await solo('rollback', 'counter', '--to', '99');
    assert.equal(badVersion.code, 1);
    assert.match(badVersion.stderr, /^error not_found: .*no version 99/m);
  });

  it('sets the tenant policy, deploys with supervision flags, and shows the tree and the supervisor state', async () => {
    const p = await solo(
      'supervision',
      '--strategy',
      'one_for_all',
      '--max-restarts',
      '4',
      '--escalation',
      'mark_failed',
    );
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /^strategy: +one_for_all$/m);
    assert.match(p.stdout, /^intensity: +4 restarts in 5 s$/m);
    const bad = await solo('supervision', '--strategy', 'sometimes');
    assert.equal(bad.code, 2);

    const d = await solo(
      'deploy',
      'examples/crashy.ts',
      '--restart',
      'transient',
      '--backoff-initial-ms',
      '600000',
      '--backoff-max-ms',
      '600000',
      '--backoff-jitter',
      '0',
    );
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await solo('call', 'crashy', '{"op":"crash"}')).code, 1);
    await waitFor(
      async () => (await json<{ supervisor_state: string }>('status', 'crashy')).supervisor_state === 'backoff',
      { timeoutMs: 15_000 },
    );
    const st = await solo('status', 'crashy');
    assert.match(st.stdout, /^supervisor: +backoff \(restart type transient\)$/m);
    assert.match(st.stdout, /^last crash: +\S+ throw: /m);

    const ls = await solo('ls');
    assert.match(ls.stdout, /^SERVICE +STATUS +VERSION +MEMORY +MAILBOX +UPTIME +RESTARTS +SUPERVISOR +LAST CRASH$/m);
    assert.match(ls.stdout, /^crashy +restarting .* backoff +\S+ ago throw$/m);

    const tree = await solo('tree');
    assert.equal(tree.code, 0, tree.stderr);
    assert.match(tree.stdout, /^acme \(one_for_all, 4 restarts in 5 s, escalation mark_failed\) supervising/m);
    assert.match(tree.stdout, /^[├└]─ crashy +backoff +transient +restarts 0 +last crash /m);
    assert.match(tree.stdout, /^[├└]─ counter +\w+ +permanent/m);
  });
});
