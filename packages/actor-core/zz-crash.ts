import { IsolateSandbox, compileService, startIncarnation, type ActorHost } from '@solo/actor-core';
const host = { log: () => undefined, call: async () => null, cast: async () => undefined, emit: () => undefined, setTimer: () => 't', cancelTimer: () => false, monitor: () => 'm', demonitor: () => false, link: () => undefined, unlink: () => undefined, exit: () => undefined } as unknown as ActorHost;
const { code } = await compileService('export default { init() { return 1; }, handleCall(m, s) { return { reply: s + 1, state: s + 1 }; } };', { filename: 'w.ts' });
for (let round = 0; round < 40; round++) {
  const sandbox = new IsolateSandbox({ warmIsolates: 2 });
  const actors = [];
  for (let i = 0; i < 5; i++) {
    const memory_mb = i % 2 === 0 ? 32 : 16;
    process.stderr.write(`r${round} s${i} `);
    const a = await startIncarnation(sandbox, { tenant: 't', service: `w${i}`, code, limits: { memory_mb, cpu_ms: 1000, wall_ms: 5000 } }, host, null);
    await a.handleCall(null);
    actors.push(a);
    await new Promise((r) => setImmediate(r));
  }
  process.stderr.write('dispose ');
  for (const a of actors) a.dispose();
  process.stderr.write('close ');
  sandbox.close();
  if (global.gc) global.gc();
  await new Promise((r) => setTimeout(r, 5));
  process.stderr.write('\n');
}
console.log('done');
