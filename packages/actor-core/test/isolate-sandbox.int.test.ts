// Tests of IsolateSandbox against real isolates: ctx, state, the sync and async paths, limits and crashes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '@solo/testkit';
import { IsolateSandbox, compileService, startIncarnation, type ActorHost } from '../src/index.ts';
import { fixtureCode, fixtureSpec } from './fixtures.ts';
import { RecordingHost } from './recording-host.ts';
import { sandboxContract } from './sandbox-contract.ts';

const sandbox = new IsolateSandbox();
/** Validates a `service_crashed` error with the given reason (and, optionally, error text). */
const crashed =
  (reason: string, error?: string) =>
  (err: { code?: unknown; details?: { reason?: unknown; error?: unknown } }): boolean => {
    assert.equal(err.code, 'service_crashed');
    assert.equal(err.details?.reason, reason);
    if (error !== undefined) assert.equal(err.details?.error, error);
    return true;
  };

describe('IsolateSandbox', () => {
  sandboxContract(sandbox);

  it('rejects a module that imports anything', async () => {
    const code = "import x from 'y';\nexport default { handleCall(m, s) { return { reply: x, state: s }; } };";
    await assert.rejects(sandbox.spawn({ ...(await fixtureSpec('counter')), code }, new RecordingHost()), { code: 'rejected_code' });
  });

  it('rejects a module with no default export', async () => {
    const code = (await compileService((await import('./fixtures.ts')).fixtureSource('no-default'), { filename: 'no-default.ts' })).code;
    await assert.rejects(sandbox.spawn({ ...(await fixtureSpec('counter')), code }, new RecordingHost()), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'rejected_code');
      assert.match(err.message, /has no default export/);
      return true;
    });
  });

  it('rejects a default export with no handlers', async () => {
    await assert.rejects(sandbox.spawn(await fixtureSpec('no-handlers'), new RecordingHost()), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'rejected_code');
      assert.match(err.message, /default export with no handlers/);
      return true;
    });
  });

  it('crashes with reason throw, disposes the isolate and keeps the node alive', async () => {
    const inst = await startIncarnation(sandbox, await fixtureSpec('crashy'), new RecordingHost(), null);
    await assert.rejects(inst.handleCall('boom'), crashed('throw', 'Error: boom requested'));
    assert.equal(inst.disposed, true);
    await assert.rejects(inst.handleCall('get'), crashed('disposed'));
  });

  it('crashes with bad_return on a reply or state that is not JSON', async () => {
    for (const msg of ['function', 'bigint', 'cyclic', 'map', 'no-state', 'bad-state']) {
      const inst = await startIncarnation(sandbox, await fixtureSpec('bad-return'), new RecordingHost(), null);
      assert.equal(await inst.handleCall('ok'), 'fine');
      await assert.rejects(inst.handleCall(msg), crashed('bad_return'), msg);
      assert.equal(inst.disposed, true, msg);
    }
  });

  it('crashes with cpu_limit on an infinite loop while another actor still answers', async () => {
    const spinner = await startIncarnation(sandbox, await fixtureSpec('limits', { limits: { cpu_ms: 200 } }), new RecordingHost(), null);
    const other = await startIncarnation(sandbox, await fixtureSpec('counter'), new RecordingHost(), 1);
    await assert.rejects(spinner.handleCall('spin'), crashed('cpu_limit'));
    assert.equal(spinner.disposed, true);
    assert.equal(await other.handleCall('get'), 1);
    other.dispose();
  });

  it('crashes with cpu_limit when an async handler spins after an await', async () => {
    const host = new RecordingHost();
    host.answer = async () => 1;
    const inst = await startIncarnation(sandbox, await fixtureSpec('limits', { limits: { cpu_ms: 200 } }), host, null);
    await assert.rejects(inst.handleCall('spin-after-await'), crashed('cpu_limit'));
    assert.equal(inst.disposed, true);
  });

  it('never runs a continuation left behind by a handler that already returned', async () => {
    const host = new RecordingHost();
    let answered = 0;
    host.answer = async () => {
      answered += 1;
      return 1;
    };
    const inst = await startIncarnation(sandbox, await fixtureSpec('limits', { limits: { cpu_ms: 200 } }), host, null);
    assert.equal(await inst.handleCall('leak'), 'leaked');
    await waitFor(() => answered === 1);
    // Had the spinning continuation run, this call would block the host until the isolate's CPU limit.
    assert.equal(await inst.handleCall('ping'), 'pong');
    assert.equal(inst.disposed, false);
    inst.dispose();
  });

  it('crashes with wall_limit when an async handler never settles', async () => {
    const inst = await startIncarnation(sandbox, await fixtureSpec('limits', { limits: { wall_ms: 300 } }), new RecordingHost(), null);
    await assert.rejects(inst.handleCall('hang'), crashed('wall_limit'));
    assert.equal(inst.disposed, true);
  });

  it('crashes with wall_limit when an awaited ctx.call outlives the limit', async () => {
    const host = new RecordingHost();
    host.answer = () => new Promise(() => undefined);
    const inst = await startIncarnation(sandbox, await fixtureSpec('remote', { limits: { wall_ms: 300 } }), host, null);
    await assert.rejects(inst.handleCall('hi'), crashed('wall_limit'));
  });

  it('crashes with memory_limit on a memory bomb without taking the host down', async () => {
    const other = await startIncarnation(sandbox, await fixtureSpec('counter'), new RecordingHost(), 7);
    const rssBefore = process.memoryUsage().rss;
    for (const bomb of ['call', 'cast'] as const) {
      const inst = await startIncarnation(sandbox, await fixtureSpec('limits', { limits: { memory_mb: 16, cpu_ms: 10_000, wall_ms: 20_000 } }), new RecordingHost(), null);
      await assert.rejects(bomb === 'call' ? inst.handleCall('bomb') : inst.handleCast('bomb'), crashed('memory_limit'));
      assert.equal(inst.disposed, true);
    }
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(grownMb < 256, `RSS grew by ${grownMb.toFixed(0)} MiB`);
    assert.equal(await other.handleCall('get'), 7);
    other.dispose();
  });

  it('frees the memory of disposed isolates', async () => {
    const spec = await fixtureSpec('counter');
    const host = new RecordingHost();
    const batch = async (): Promise<void> => {
      for (let i = 0; i < 100; i++) {
        const inst = await startIncarnation(sandbox, spec, host, i);
        assert.equal(await inst.handleCall('get'), i);
        inst.dispose();
      }
    };
    await batch();
    const rssAfterFirst = process.memoryUsage().rss;
    await batch();
    await batch();
    // A leaked isolate costs about 1 MiB of RSS: 200 leaks would show as ~200 MiB.
    const grownMb = (process.memoryUsage().rss - rssAfterFirst) / 1024 / 1024;
    assert.ok(grownMb < 64, `RSS grew by ${grownMb.toFixed(0)} MiB over 200 spawn/dispose cycles`);
  });

  it('runs the code of a module only inside its isolate: no process, require or host objects', async () => {
    const code = (
      await compileService(
        'export default { handleCall(m, s, ctx) { return { reply: [typeof process, typeof globalThis.require, typeof globalThis.fetch, Object.keys(ctx).sort().join(",")], state: s }; } };',
        { filename: 'probe.js' },
      )
    ).code;
    const inst = await sandbox.spawn({ ...(await fixtureSpec('counter')), code }, new RecordingHost());
    assert.deepEqual(await inst.handleCall(null), ['undefined', 'undefined', 'undefined', 'call,cancelTimer,cast,demonitor,emit,exit,link,log,monitor,secret,self,setTimer,unlink']);
    inst.dispose();
  });

  it('crashes at spawn when top-level code throws', async () => {
    const code = (await compileService("throw new Error('top level');\nexport default { handleCall(m, s) { return { reply: m, state: s }; } };", { filename: 't.js' })).code;
    await assert.rejects(sandbox.spawn({ ...(await fixtureSpec('counter')), code }, new RecordingHost()), crashed('throw', 'top level'));
  });

  it('starts incarnations of the same code independently', async () => {
    const code = await fixtureCode('counter');
    const a = await startIncarnation(sandbox, { ...(await fixtureSpec('counter')), code }, new RecordingHost(), 1);
    const b = await startIncarnation(sandbox, { ...(await fixtureSpec('counter')), code }, new RecordingHost(), 2);
    await a.handleCall({ add: 10 });
    assert.deepEqual([await a.handleCall('get'), await b.handleCall('get')], [11, 2]);
    a.dispose();
    b.dispose();
  });
});

// Warm isolates: kept in this file (not a file of their own) because a process that only creates and disposes
// a handful of isolates and exits at once trips a native isolated-vm assertion at exit about 1 run in 12 here;
// see the closing note of issue #2.
const stubHost: ActorHost = {
  log: () => undefined,
  call: async () => null,
  cast: async () => undefined,
  emit: () => undefined,
  setTimer: () => 't',
  cancelTimer: () => false,
  monitor: () => 'm',
  demonitor: () => false,
  link: () => undefined,
  unlink: () => undefined,
  exit: () => undefined,
} as unknown as ActorHost;

describe('IsolateSandbox warm isolates', () => {
  it('starts actors from warm isolates of the default limit and from fresh ones for other limits', async () => {
    const sandbox = new IsolateSandbox({ warmIsolates: 2 });
    const { code } = await compileService('export default { init() { return 1; }, handleCall(m, s) { return { reply: s + 1, state: s + 1 }; } };', { filename: 'w.ts' });
    const actors = [];
    for (let i = 0; i < 5; i++) {
      const memory_mb = i % 2 === 0 ? 32 : 16;
      const a = await startIncarnation(sandbox, { tenant: 't', service: `w${i}`, code, limits: { memory_mb, cpu_ms: 1000, wall_ms: 5000 } }, stubHost, null);
      assert.equal(await a.handleCall(null), 2);
      actors.push(a);
      await new Promise((r) => setImmediate(r));
    }
    for (const a of actors) a.dispose();
    sandbox.close();
    sandbox.close();
  });

  it('binds a prepared isolate to the service that takes it: ctx.self is its own and cannot be changed', async () => {
    const sandbox = new IsolateSandbox({ warmIsolates: 2 });
    const src = "export default { handleCall(m, s, ctx) { try { ctx.self.service = 'x'; } catch (e) {} return { reply: ctx.self.tenant + '/' + ctx.self.service, state: s }; } };";
    const { code } = await compileService(src, { filename: 'self.ts' });
    const limits = { memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 };
    for (let i = 0; i < 4; i++) {
      const a = await startIncarnation(sandbox, { tenant: `t${i}`, service: `s${i}`, code, limits }, stubHost, null);
      assert.equal(await a.handleCall(null), `t${i}/s${i}`);
      a.dispose();
      await new Promise((r) => setImmediate(r));
    }
    sandbox.close();
  });

  it('refuses bad warm options with invalid_request', () => {
    assert.throws(() => new IsolateSandbox({ warmIsolates: -1 }), { code: 'invalid_request' });
    assert.throws(() => new IsolateSandbox({ warmIsolates: 1.5 }), { code: 'invalid_request' });
    assert.throws(() => new IsolateSandbox({ warmMemoryMb: 2 }), { code: 'invalid_request' });
  });
});
