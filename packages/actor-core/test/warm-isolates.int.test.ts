import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsolateSandbox, compileService, startIncarnation, type ActorHost } from '@solo/actor-core';

const host: ActorHost = {
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
      const a = await startIncarnation(sandbox, { tenant: 't', service: `w${i}`, code, limits: { memory_mb, cpu_ms: 1000, wall_ms: 5000 } }, host, null);
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
      const a = await startIncarnation(sandbox, { tenant: `t${i}`, service: `s${i}`, code, limits }, host, null);
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
