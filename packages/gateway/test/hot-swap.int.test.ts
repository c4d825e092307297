// Hot code replacement through a real node: a swap under continuous load loses, duplicates and reorders
// nothing; the watchdog rolls back inside the window and succeeds after it; a throwing codeChange or code that
// does not compile aborts; replace, rollback and history; and the inputs each verb refuses.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName, waitFor } from '@solo/testkit';
import { startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { sequenceSource } from './service-sources.ts';

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
});
after(async () => {
  await f.close();
});

type Reply = Record<string, unknown>;
const errCode = (r: Reply): unknown => (r['error'] as { code?: string } | undefined)?.code;
const errDetails = (r: Reply): Reply => ((r['error'] as Reply | undefined)?.['details'] ?? {}) as Reply;

async function ok(tenant: string, verb: string, body: unknown): Promise<Reply> {
  const r = await f.api(tenant, verb, body);
  assert.equal(r['ok'], true, `${verb}: ${JSON.stringify(r)}`);
  return r;
}
interface SeqState {
  c: number;
  k: number;
  bad: string[];
  migrations: string[];
  version: string;
}
const state = async (t: string, id: string): Promise<SeqState> => (await ok(t, 'call', { service_id: id, message: { op: 'get' } }))['reply'] as SeqState;
async function events(t: string, type: string, service: string): Promise<Reply[]> {
  return (await ok(t, 'events', { type, service_id: service, limit: 1000 }))['events'] as Reply[];
}
async function deployV1(t: string, id: string): Promise<Reply> {
  return ok(t, 'deploy', { service_id: id, source: sequenceSource({ version: '1.0.0' }) });
}

describe('swap', () => {
  it('handles every one of 10,000 numbered casts and calls exactly once, in order, across a swap', async () => {
    const t = uniqueName();
    await deployV1(t, 'seq');
    const perStream = 5000;
    let swapReply: Reply | null = null;
    let swapAt = 0;
    const casts = (async () => {
      for (let i = 1; i <= perStream; i++) await ok(t, 'cast', { service_id: 'seq', message: { c: i } });
    })();
    const calls = (async () => {
      for (let i = 1; i <= perStream; i++) {
        const r = await ok(t, 'call', { service_id: 'seq', message: { k: i } });
        assert.equal(r['reply'], i);
        // The swap starts while both streams are in full flow, and they keep flowing while it runs.
        if (i === 1500) {
          swapAt = i;
          void f.api(t, 'swap', { service_id: 'seq', source: sequenceSource({ version: '2.0.0' }), rollback_window_ms: 0 }).then((s) => (swapReply = s));
        }
      }
    })();
    await Promise.all([casts, calls]);
    await waitFor(() => swapReply !== null, { timeoutMs: 15_000 });
    assert.equal(swapReply?.['ok'], true, JSON.stringify(swapReply));
    assert.equal(swapAt, 1500);
    await waitFor(async () => (await state(t, 'seq')).c === perStream, { timeoutMs: 30_000, message: 'not every cast was handled' });
    const s = await state(t, 'seq');
    assert.deepEqual({ c: s.c, k: s.k, bad: s.bad, version: s.version, migrations: s.migrations }, { c: perStream, k: perStream, bad: [], version: '2.0.0', migrations: ['1.0.0->2.0.0'] });
    assert.equal((await events(t, 'message_dead_lettered', 'seq')).length, 0);
    const st = await ok(t, 'status', { service_id: 'seq' });
    assert.equal(st['version'], 2);
    assert.equal(st['code_version'], '2.0.0');
    assert.equal(st['messages_handled'], 2 * perStream + 2);
  });

  it('records hot_swap_started with the new version and its artifact, then hot_swap_succeeded when the window closes', async () => {
    const t = uniqueName();
    const d = await deployV1(t, 'seq');
    await ok(t, 'call', { service_id: 'seq', message: { k: 1 } });
    const s = await ok(t, 'swap', { service_id: 'seq', source: sequenceSource({ version: '2.0.0' }), rollback_window_ms: 200 });
    assert.equal(s['version'], 2);
    assert.equal(s['from_version'], 1);
    assert.equal(s['code_version'], '2.0.0');
    assert.notEqual(s['artifact_hash'], d['artifact_hash']);
    assert.equal(typeof s['switch_ms'], 'number');
    const [started] = await events(t, 'hot_swap_started', 'seq');
    assert.deepEqual(started?.['data'], { version: 2, artifact_hash: s['artifact_hash'], code_version: '2.0.0', from_version: 1, rollback_window_ms: 200 });
    await waitFor(async () => (await events(t, 'hot_swap_succeeded', 'seq')).length === 1, { timeoutMs: 15_000 });
    assert.deepEqual((await events(t, 'hot_swap_succeeded', 'seq'))[0]?.['data'], { version: 2, from_version: 1, closed: 'window_elapsed' });
    assert.equal((await state(t, 'seq')).k, 1);
  });

  it('rolls back to the old code and the state of the switch when the new version crashes inside the window', async () => {
    const t = uniqueName();
    const d = await deployV1(t, 'seq');
    for (let k = 1; k <= 3; k++) await ok(t, 'call', { service_id: 'seq', message: { k } });
    await ok(t, 'swap', { service_id: 'seq', source: sequenceSource({ version: '2.0.0', crashOnBoom: true }), rollback_window_ms: 600_000 });
    await ok(t, 'call', { service_id: 'seq', message: { k: 4 } });
    assert.equal(errCode(await f.api(t, 'call', { service_id: 'seq', message: { op: 'boom' } })), 'service_crashed');
    await waitFor(async () => (await events(t, 'hot_swap_rolled_back', 'seq')).length === 1, { timeoutMs: 15_000 });
    const rolled = (await events(t, 'hot_swap_rolled_back', 'seq'))[0]?.['data'] as Reply;
    assert.equal(rolled['version'], 1);
    assert.equal(rolled['artifact_hash'], d['artifact_hash']);
    assert.equal(rolled['code_version'], '1.0.0');
    assert.equal(rolled['from_version'], 2);
    assert.match(String(rolled['reason']), /version 2 crashed inside its rollback window: .*boom in 2\.0\.0/);
    await waitFor(async () => (await ok(t, 'status', { service_id: 'seq' }))['status'] === 'running', { timeoutMs: 15_000 });
    const s = await state(t, 'seq');
    assert.equal(s.version, '1.0.0');
    assert.equal(s.k, 3); // the state captured at the switch
    const st = await ok(t, 'status', { service_id: 'seq' });
    assert.deepEqual([st['version'], st['code_version'], st['restarts']], [1, '1.0.0', 0]);
    assert.equal((await events(t, 'hot_swap_succeeded', 'seq')).length, 0);
    const history = (await ok(t, 'history', { service_id: 'seq' }))['versions'] as Reply[];
    assert.deepEqual(history.map((v) => [v['version'], v['via']]), [[1, 'swap_rollback'], [2, 'swap'], [1, 'deploy']]);
  });

  it('leaves the old version running untouched when codeChange throws or the new code does not compile', async () => {
    const t = uniqueName();
    await deployV1(t, 'seq');
    await ok(t, 'call', { service_id: 'seq', message: { k: 1 } });
    const thrown = await f.api(t, 'swap', { service_id: 'seq', source: sequenceSource({ version: '2.0.0', codeChange: 'throw' }) });
    assert.equal(errCode(thrown), 'service_crashed');
    assert.equal(errDetails(thrown)['aborted'], true);
    assert.equal(errDetails(thrown)['phase'], 'codeChange');
    assert.match(String((thrown['error'] as Reply)['message']), /swap .* was aborted: codeChange of the new version crashed .*cannot migrate.*Version 1 keeps running/);
    const broken = await f.api(t, 'swap', { service_id: 'seq', source: 'export default { handleCall( {' });
    assert.equal(errCode(broken), 'compile_error');
    const rejected = await f.api(t, 'swap', { service_id: 'seq', source: 'export default 42;' });
    assert.equal(errCode(rejected), 'rejected_code');
    assert.equal((await state(t, 'seq')).k, 1);
    await ok(t, 'call', { service_id: 'seq', message: { k: 2 } });
    const st = await ok(t, 'status', { service_id: 'seq' });
    assert.deepEqual([st['version'], st['code_version'], st['status']], [1, '1.0.0', 'running']);
    assert.equal((await events(t, 'hot_swap_started', 'seq')).length, 0);
  });
});

describe('replace, rollback and history', () => {
  it('replaces with fresh state as a new version, rolls back to the previous one, and lists every version', async () => {
    const t = uniqueName();
    await deployV1(t, 'seq');
    await ok(t, 'call', { service_id: 'seq', message: { k: 1 } });
    await ok(t, 'swap', { service_id: 'seq', source: sequenceSource({ version: '2.0.0' }), rollback_window_ms: 0 });
    const r = await ok(t, 'replace', { service_id: 'seq', source: sequenceSource({ version: '3.0.0' }) });
    assert.deepEqual([r['version'], r['from_version'], r['code_version']], [3, 2, '3.0.0']);
    assert.equal((await state(t, 'seq')).k, 0);
    assert.equal((await state(t, 'seq')).version, '3.0.0');
    assert.equal((await events(t, 'service_replaced', 'seq')).length, 1);

    const back = await ok(t, 'rollback', { service_id: 'seq' });
    assert.deepEqual([back['version'], back['from_version'], back['code_version']], [2, 3, '2.0.0']);
    assert.equal((await state(t, 'seq')).version, '2.0.0');
    const to1 = await ok(t, 'rollback', { service_id: 'seq', to_version: 1 });
    assert.equal(to1['version'], 1);
    const [rb] = (await events(t, 'service_rolled_back', 'seq')).slice(-1);
    assert.deepEqual(rb?.['data'], { version: 1, artifact_hash: to1['artifact_hash'], code_version: '1.0.0', from_version: 2 });
    assert.equal((await ok(t, 'status', { service_id: 'seq' }))['version'], 1);

    const h = await ok(t, 'history', { service_id: 'seq' });
    assert.equal(h['current_version'], 1);
    const versions = h['versions'] as Reply[];
    assert.deepEqual(versions.map((v) => [v['version'], v['via'], v['code_version']]), [
      [1, 'rollback', '1.0.0'],
      [2, 'rollback', '2.0.0'],
      [3, 'replace', '3.0.0'],
      [2, 'swap', '2.0.0'],
      [1, 'deploy', '1.0.0'],
    ]);
    for (const v of versions) assert.match(String(v['artifact_hash']), /^[0-9a-f]{64}$/);
    // The next swap numbers after the highest version ever given.
    assert.equal((await ok(t, 'swap', { service_id: 'seq', source: sequenceSource({ version: '4.0.0' }), rollback_window_ms: 0 }))['version'], 4);
  });

  it('keeps the running version when the replacement cannot start', async () => {
    const t = uniqueName();
    await deployV1(t, 'seq');
    await ok(t, 'call', { service_id: 'seq', message: { k: 1 } });
    const r = await f.api(t, 'replace', { service_id: 'seq', source: "export default { init() { throw new Error('no'); }, handleCall() {} }" });
    assert.equal(errCode(r), 'service_crashed');
    assert.equal((await state(t, 'seq')).k, 1);
    assert.equal((await ok(t, 'status', { service_id: 'seq' }))['version'], 1);
  });

  it('refuses bad inputs with precise codes and changes nothing', async () => {
    const t = uniqueName();
    await deployV1(t, 'seq');
    const v2 = sequenceSource({ version: '2.0.0' });
    assert.equal(errCode(await f.api(t, 'swap', { service_id: 'nope', source: v2 })), 'not_found');
    assert.equal(errCode(await f.api(t, 'replace', { service_id: 'nope', source: v2 })), 'not_found');
    assert.equal(errCode(await f.api(t, 'rollback', { service_id: 'nope' })), 'not_found');
    assert.equal(errCode(await f.api(t, 'history', { service_id: 'nope' })), 'not_found');
    for (const window of [-1, 1.5, 3_600_001, '30s']) {
      assert.equal(errCode(await f.api(t, 'swap', { service_id: 'seq', source: v2, rollback_window_ms: window })), 'invalid_request', String(window));
    }
    assert.equal(errCode(await f.api(t, 'rollback', { service_id: 'seq' })), 'not_found');
    const missing = await f.api(t, 'rollback', { service_id: 'seq', to_version: 9 });
    assert.equal(errCode(missing), 'not_found');
    assert.equal(errDetails(missing)['kind'], 'version');
    assert.equal(errCode(await f.api(t, 'rollback', { service_id: 'seq', to_version: 1 })), 'invalid_request');
    for (const v of [0, -3, 1.5, 'one']) assert.equal(errCode(await f.api(t, 'rollback', { service_id: 'seq', to_version: v })), 'invalid_request', String(v));
    assert.equal(errCode(await f.api(t, 'swap', { service_id: 'seq', source: v2, extra: true })), 'invalid_request');
    assert.equal(errCode(await f.api(t, 'swap', { service_id: 'seq' })), 'invalid_request');
    const st = await ok(t, 'status', { service_id: 'seq' });
    assert.deepEqual([st['version'], st['status']], [1, 'running']);
    assert.equal(((await ok(t, 'history', { service_id: 'seq' }))['versions'] as Reply[]).length, 1);
  });
});
