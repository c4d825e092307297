// Links and monitors through a real node: `ctx.monitor` notices on a stop and on a crash, `ctx.link`
// crashing the partner unless it traps exits, and the errors a service gets for bad targets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName, waitFor } from '@solo/testkit';
import { startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { lifecycleSource } from './service-sources.ts';

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

type Reply = Record<string, unknown>;

async function ok(tenant: string, verb: string, body: unknown): Promise<Reply> {
  const r = await f.api(tenant, verb, body);
  assert.equal(r['ok'], true, `${verb}: ${JSON.stringify(r)}`);
  return r;
}
const deploy = (t: string, id: string, opts: { trapExits?: boolean } = {}): Promise<Reply> => ok(t, 'deploy', { service_id: id, source: lifecycleSource(opts) });
const ask = async (t: string, id: string, message: unknown): Promise<unknown> => (await ok(t, 'call', { service_id: id, message }))['reply'];
const infos = async (t: string, id: string): Promise<Reply[]> => ((await ask(t, id, { op: 'get' })) as { infos: Reply[] }).infos;
const status = (t: string, id: string): Promise<Reply> => ok(t, 'status', { service_id: id });

describe('monitors', () => {
  it('delivers one down notice when the target is killed, and another monitor for its crash', async () => {
    const t = uniqueName();
    await deploy(t, 'watcher');
    await deploy(t, 'target');
    const ref = await ask(t, 'watcher', { op: 'monitor', target: 'target' });
    assert.match(String(ref), /^mon-\d+$/);
    await f.api(t, 'call', { service_id: 'target', message: { op: 'crash' } });
    await waitFor(async () => (await infos(t, 'watcher')).length === 1, { timeoutMs: 15_000 });
    const [down] = await infos(t, 'watcher');
    assert.equal(down?.['type'], 'down');
    assert.equal(down?.['ref'], ref);
    assert.equal(down?.['target'], 'target');
    assert.deepEqual(down?.['reason'], { kind: 'crash', error: { code: 'throw', message: (down?.['reason'] as { error: { message: string } }).error.message } });
    assert.match(String((down?.['reason'] as { error: { message: string } }).error.message), /crash requested/);

    // Monitors are one-shot: the restarted target is watched again only if asked.
    await waitFor(async () => (await status(t, 'target'))['status'] === 'running', { timeoutMs: 15_000 });
    const ref2 = await ask(t, 'watcher', { op: 'monitor', target: 'target' });
    await ok(t, 'kill', { service_id: 'target' });
    await waitFor(async () => (await infos(t, 'watcher')).length === 2, { timeoutMs: 15_000 });
    assert.deepEqual((await infos(t, 'watcher'))[1], { type: 'down', ref: ref2, target: 'target', reason: { kind: 'shutdown' } });
  });

  it('sends nothing after demonitor, and noproc at once for a target that is not running', async () => {
    const t = uniqueName();
    await deploy(t, 'watcher');
    await deploy(t, 'target');
    const ref = await ask(t, 'watcher', { op: 'monitor', target: 'target' });
    assert.equal(await ask(t, 'watcher', { op: 'demonitor', ref }), true);
    assert.equal(await ask(t, 'watcher', { op: 'demonitor', ref }), false);
    await ask(t, 'target', { op: 'exit' });
    await waitFor(async () => (await status(t, 'target'))['restarts'] === 1, { timeoutMs: 15_000 });
    assert.deepEqual(await infos(t, 'watcher'), []);

    await ok(t, 'deploy', { service_id: 'gone', source: lifecycleSource(), restart: 'temporary' });
    await ask(t, 'gone', { op: 'exit' });
    await waitFor(async () => (await status(t, 'gone'))['status'] === 'stopped', { timeoutMs: 15_000 });
    const ref3 = await ask(t, 'watcher', { op: 'monitor', target: 'gone' });
    await waitFor(async () => (await infos(t, 'watcher')).length === 1, { timeoutMs: 15_000 });
    assert.deepEqual((await infos(t, 'watcher'))[0], { type: 'down', ref: ref3, target: 'gone', reason: { kind: 'noproc' } });
  });

  it('refuses an unknown target, itself, and another tenant\'s service', async () => {
    const [t, other] = [uniqueName(), uniqueName()];
    await deploy(t, 'watcher');
    await deploy(other, 'theirs');
    assert.deepEqual(await ask(t, 'watcher', { op: 'monitor', target: 'nobody' }), { error: 'not_found' });
    assert.deepEqual(await ask(t, 'watcher', { op: 'monitor', target: 'watcher' }), { error: 'invalid_request' });
    assert.deepEqual(await ask(t, 'watcher', { op: 'monitor', target: 'theirs' }), { error: 'not_found' });
    assert.deepEqual(await ask(t, 'watcher', { op: 'monitor', target: 'Not An Id' }), { error: 'invalid_request' });
    assert.deepEqual(await ask(t, 'watcher', { op: 'link', target: 'nobody' }), { error: 'not_found' });
  });
});

describe('links', () => {
  it('crashes a linked service when its partner crashes, and both are restarted', async () => {
    const t = uniqueName();
    await deploy(t, 'a');
    await deploy(t, 'b');
    assert.equal(await ask(t, 'a', { op: 'link', target: 'b' }), 'linked');
    await ask(t, 'a', { op: 'inc' });
    await f.api(t, 'call', { service_id: 'b', message: { op: 'crash' } });
    await waitFor(async () => (await status(t, 'a'))['restarts'] === 1 && (await status(t, 'a'))['status'] === 'running', { timeoutMs: 15_000 });
    const a = await status(t, 'a');
    assert.equal((a['last_crash'] as Reply)['code'], 'linked');
    assert.match(String((a['last_crash'] as Reply)['reason']), /linked service 'b' crashed/);
    assert.equal(((await ask(t, 'a', { op: 'get' })) as { n: number }).n, 0);
    // The link died with the crash: a second crash of b leaves a alone.
    await waitFor(async () => (await status(t, 'b'))['status'] === 'running', { timeoutMs: 15_000 });
    await f.api(t, 'call', { service_id: 'b', message: { op: 'crash' } });
    await waitFor(async () => (await status(t, 'b'))['restarts'] === 2, { timeoutMs: 15_000 });
    assert.equal((await status(t, 'a'))['restarts'], 1);
  });

  it('turns the partner\'s crash into an exit message for a service that traps exits', async () => {
    const t = uniqueName();
    await deploy(t, 'trapper', { trapExits: true });
    await deploy(t, 'b');
    assert.equal(await ask(t, 'trapper', { op: 'link', target: 'b' }), 'linked');
    await ask(t, 'trapper', { op: 'inc' });
    await f.api(t, 'call', { service_id: 'b', message: { op: 'crash' } });
    await waitFor(async () => (await infos(t, 'trapper')).length === 1, { timeoutMs: 15_000 });
    const [exit] = await infos(t, 'trapper');
    assert.equal(exit?.['type'], 'exit');
    assert.equal(exit?.['from'], 'b');
    assert.equal((exit?.['reason'] as Reply)['kind'], 'crash');
    const s = await status(t, 'trapper');
    assert.equal(s['restarts'], 0);
    assert.equal(((await ask(t, 'trapper', { op: 'get' })) as { n: number }).n, 1);
  });

  it('does not crash a partner on a normal exit, and unlink ends a link', async () => {
    const t = uniqueName();
    await deploy(t, 'a');
    await deploy(t, 'b');
    await deploy(t, 'c');
    await ask(t, 'a', { op: 'link', target: 'b' });
    await ask(t, 'b', { op: 'exit' });
    await waitFor(async () => (await status(t, 'b'))['restarts'] === 1, { timeoutMs: 15_000 });
    assert.equal((await status(t, 'a'))['restarts'], 0);
    await ask(t, 'a', { op: 'link', target: 'c' });
    assert.equal(await ask(t, 'c', { op: 'unlink', target: 'a' }), 'unlinked');
    await f.api(t, 'call', { service_id: 'c', message: { op: 'crash' } });
    await waitFor(async () => (await status(t, 'c'))['restarts'] === 1, { timeoutMs: 15_000 });
    assert.equal((await status(t, 'a'))['restarts'], 0);
  });
});
