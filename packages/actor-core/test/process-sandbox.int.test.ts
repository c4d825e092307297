// Tests of ProcessSandbox against real sandbox host processes: the behaviours of the in-process sandbox, tenant
// placement, the death of a host process (kill -9, out of memory) and what it takes down, close, bad input.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { ExitReason, Json } from '@solo/protocol';
import { uniqueName, waitFor } from '@solo/testkit';
import { Actor, ProcessSandbox, compileService, startIncarnation, type SandboxedActor, type SpawnSpec } from '../src/index.ts';
import { fixtureSpec } from './fixtures.ts';
import { RecordingHost } from './recording-host.ts';
import { sandboxContract } from './sandbox-contract.ts';

/** Validates a `service_crashed` error with the given reason (and, optionally, error text). */
const crashed =
  (reason: string, error?: string) =>
  (err: { code?: unknown; details?: { reason?: unknown; error?: unknown } }): boolean => {
    assert.equal(err.code, 'service_crashed');
    assert.equal(err.details?.reason, reason);
    if (error !== undefined) assert.equal(err.details?.error, error);
    return true;
  };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every sandbox a test creates is closed, and its processes checked gone by PID, when the file ends. */
const sandboxes: ProcessSandbox[] = [];
const pids = new Set<number>();
function track(sandbox: ProcessSandbox): ProcessSandbox {
  sandboxes.push(sandbox);
  return sandbox;
}
function pidOf(sandbox: ProcessSandbox, tenant: string): number {
  const info = sandbox.hostProcesses().find((p) => p.tenants.includes(tenant));
  assert.ok(info, `no host process for tenant ${tenant}`);
  pids.add(info.pid);
  return info.pid;
}
after(async () => {
  for (const s of sandboxes) {
    for (const p of s.hostProcesses()) pids.add(p.pid);
    s.close();
  }
  await waitFor(() => [...pids].every((pid) => !isAlive(pid)), { timeoutMs: 10_000 });
});

async function code(source: string): Promise<string> {
  return (await compileService(source, { filename: 'inline.js' })).code;
}

// One sandbox (one host process for tenant `acme`) for the behaviours shared with the in-process sandbox.
const sandbox = track(new ProcessSandbox({ spareProcesses: 0 }));

describe('ProcessSandbox: the behaviours of the in-process sandbox', () => {
  sandboxContract(sandbox);

  it('hands queued casts over in batches: every one handled once, in order; a poison cast in a batch crashes it and those behind it wait', async () => {
    const host = new RecordingHost();
    const restarting = new Set<Promise<unknown>>();
    let restarts = 0;
    const actor: Actor = new Actor({
      tenant: 'acme',
      service: 'batched',
      onExit: (reason) => {
        if (reason.kind !== 'crash') return;
        restarts += 1;
        restarting.add(fixtureSpec('crashy').then((spec) => startIncarnation(sandbox, spec, host, null)).then((inst) => actor.attach(inst)));
      },
    });
    actor.attach(await startIncarnation(sandbox, await fixtureSpec('crashy'), host, null));
    // 100 casts queued at once: after the first, they go over 32 at a time.
    const calm = await Promise.allSettled(Array.from({ length: 100 }, () => actor.cast('count')));
    assert.ok(calm.every((r) => r.status === 'fulfilled'));
    assert.equal(await actor.call('get', { timeoutMs: 5000 }), 100);
    assert.equal(actor.messagesHandled, 101);
    // Cast 40 of the next 80 is poison: the casts before it were handled by the incarnation that crashes, those
    // behind it never started there and go to the next one, after the poison's retries.
    const sent = Array.from({ length: 80 }, (_, i) => actor.cast(i === 40 ? 'poison' : 'count'));
    const settled = await Promise.allSettled(sent);
    assert.deepEqual(
      settled.map((r, i) => (r.status === 'fulfilled') === (i !== 40)),
      settled.map(() => true),
    );
    assert.equal(restarts, 3, 'the poison crashed each of its three attempts');
    await Promise.all(restarting);
    assert.equal(await actor.call('get', { timeoutMs: 5000 }), 39, 'the last incarnation handled the 39 casts behind the poison, once each');
    assert.equal(actor.messagesHandled, 101 + 79 + 1);
    await actor.stop();
  });

  it('stops a batch of casts after the one whose handler called ctx.exit: the rest wait for the next incarnation', async () => {
    const source = `export default {
      init() { return 0; },
      handleCall(m, n) { return { reply: n, state: n }; },
      handleCast(m, n, ctx) { if (m === 'bye') ctx.exit('normal'); return n + 1; },
    };`;
    const spec: SpawnSpec = { tenant: 'acme', service: 'leaver', code: await code(source), limits: { memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 } };
    const exits: ExitReason[] = [];
    const host = new RecordingHost();
    const actor: Actor = new Actor({ tenant: 'acme', service: 'leaver', onExit: (r) => exits.push(r) });
    host.actor = actor;
    actor.attach(await startIncarnation(sandbox, spec, host, null));
    const first = actor.cast('one');
    const sent = ['a', 'b', 'bye', 'c', 'd', 'e'].map((m) => actor.cast(m));
    await first;
    await Promise.all(sent.slice(0, 3));
    await waitFor(() => exits.length === 1);
    assert.equal(exits[0]?.kind, 'normal');
    assert.equal(actor.messagesHandled, 4, 'nothing after the exit ran in the incarnation that left');
    assert.equal(actor.mailboxLength, 3);
    actor.attach(await startIncarnation(sandbox, spec, host, null));
    await Promise.all(sent);
    assert.equal(await actor.call('get', { timeoutMs: 5000 }), 3, 'the next incarnation handled the three casts behind the exit');
    await actor.stop();
  });

  it('reaches every ctx callback of the host: timers, monitor, link errors, exit and secrets', async () => {
    const host = new RecordingHost();
    host.secrets.set('api_key', 's3cret');
    const exits: ExitReason[] = [];
    const actor = new Actor({ tenant: 'acme', service: 'ticker', maxTimers: 5, onExit: (r) => exits.push(r) });
    host.actor = actor;
    actor.attach(await startIncarnation(sandbox, await fixtureSpec('ticker'), host, null));
    await actor.cast('arm');
    await waitFor(async () => (await actor.call('get', { timeoutMs: 5000 })) === 1);
    await actor.cast('arm-late');
    await actor.cast('cancel');
    assert.equal(actor.timerCount, 0);
    assert.equal(await actor.call('flood', { timeoutMs: 5000 }), 'limit_exceeded');
    await actor.stop();

    const linkHost = new RecordingHost();
    const linkActor = new Actor({ tenant: 'acme', service: 'linker', onExit: (r) => exits.push(r) });
    linkHost.actor = linkActor;
    linkActor.attach(await startIncarnation(sandbox, await fixtureSpec('linker'), linkHost, null));
    assert.equal(await linkActor.call('monitor', { timeoutMs: 5000 }), 'ref-1');
    assert.equal(await linkActor.call('link-ghost', { timeoutMs: 5000 }), 'not_found');
    assert.equal(await linkActor.call('exit', { timeoutMs: 5000 }), 'bye');
    await waitFor(() => exits.length === 2);
    assert.deepEqual(exits[1], { kind: 'normal' });
    assert.deepEqual(linkHost.emits, [{ type: 'terminated', payload: { reason: 'normal' } }]);

    const secretCode = await code(
      'export default { async handleCall(m, s, ctx) { try { return { reply: await ctx.secret(m), state: s }; } catch (e) { return { reply: "error " + e.code, state: s }; } } };',
    );
    const inst = await sandbox.spawn({ ...(await fixtureSpec('counter')), service: 'vaulted', code: secretCode }, host);
    assert.equal(await inst.handleCall('api_key'), 's3cret');
    assert.equal(await inst.handleCall('missing'), 'error not_found');
    inst.dispose();
  });

  it('rejects a module that imports anything, has no handlers or throws at the top level', async () => {
    const spec = await fixtureSpec('counter');
    const imports = "import x from 'y';\nexport default { handleCall(m, s) { return { reply: x, state: s }; } };";
    await assert.rejects(sandbox.spawn({ ...spec, code: imports }, new RecordingHost()), { code: 'rejected_code' });
    await assert.rejects(sandbox.spawn(await fixtureSpec('no-handlers'), new RecordingHost()), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'rejected_code');
      assert.match(err.message, /default export with no handlers/);
      return true;
    });
    const topLevel = await code("throw new Error('top level');\nexport default { handleCall(m, s) { return { reply: m, state: s }; } };");
    await assert.rejects(sandbox.spawn({ ...spec, code: topLevel }, new RecordingHost()), crashed('throw', 'top level'));
    // A failed spawn leaves nothing behind in the host process.
    assert.equal(sandbox.hostProcesses().find((p) => p.tenants.includes('acme'))?.actors, 0);
  });

  it('crashes with throw, bad_return, cpu_limit, wall_limit and memory_limit while another actor still answers', async () => {
    const other = await startIncarnation(sandbox, await fixtureSpec('counter'), new RecordingHost(), 7);
    const boom = await startIncarnation(sandbox, await fixtureSpec('crashy'), new RecordingHost(), null);
    await assert.rejects(boom.handleCall('boom'), crashed('throw', 'Error: boom requested'));
    assert.equal(boom.disposed, true);
    await assert.rejects(boom.handleCall('get'), crashed('disposed'));

    const bad = await startIncarnation(sandbox, await fixtureSpec('bad-return'), new RecordingHost(), null);
    await assert.rejects(bad.handleCall('function'), crashed('bad_return'));
    assert.equal(bad.disposed, true);

    const cases: Array<[string, Partial<SpawnSpec['limits']>, string]> = [
      ['spin', { cpu_ms: 200 }, 'cpu_limit'],
      ['hang', { wall_ms: 300 }, 'wall_limit'],
      ['bomb', { memory_mb: 16, cpu_ms: 10_000, wall_ms: 20_000 }, 'memory_limit'],
    ];
    for (const [message, limits, reason] of cases) {
      const inst = await startIncarnation(sandbox, await fixtureSpec('limits', { limits }), new RecordingHost(), null);
      await assert.rejects(inst.handleCall(message), crashed(reason), message);
      assert.equal(inst.disposed, true, message);
    }
    assert.equal(await other.handleCall('get'), 7);
    other.dispose();
  });

  it('answers handleCall on a module without it with invalid_request and keeps the incarnation', async () => {
    const castOnly = await code('export default { handleCast(m, s) { return s; } };');
    const inst = await sandbox.spawn({ ...(await fixtureSpec('counter')), service: 'cast-only', code: castOnly }, new RecordingHost());
    await assert.rejects(inst.handleCall('x'), { code: 'invalid_request' });
    assert.equal(inst.disposed, false);
    await inst.handleCast('x');
    inst.dispose();
  });
});

describe('ProcessSandbox: host processes', () => {
  it('puts each tenant in a process of its own and every actor of a tenant in the same one', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0 }));
    const [a, b] = [uniqueName('ta'), uniqueName('tb')];
    const a1 = await startIncarnation(s, await fixtureSpec('counter', { tenant: a, service: 'one' }), new RecordingHost(), 1);
    const a2 = await startIncarnation(s, await fixtureSpec('counter', { tenant: a, service: 'two' }), new RecordingHost(), 2);
    const b1 = await startIncarnation(s, await fixtureSpec('counter', { tenant: b }), new RecordingHost(), 3);
    assert.notEqual(pidOf(s, a), pidOf(s, b));
    assert.notEqual(pidOf(s, a), process.pid);
    assert.deepEqual(
      s.hostProcesses().map((p) => [p.tenants, p.actors]),
      [
        [[a], 2],
        [[b], 1],
      ],
    );
    assert.deepEqual([await a1.handleCall('get'), await a2.handleCall('get'), await b1.handleCall('get')], [1, 2, 3]);
  });

  it('shares processes round-robin beyond maxProcesses and keeps a spare for the next tenant', async () => {
    const s = track(new ProcessSandbox({ maxProcesses: 2, spareProcesses: 1 }));
    const tenants = [uniqueName('r0'), uniqueName('r1'), uniqueName('r2'), uniqueName('r3')];
    await startIncarnation(s, await fixtureSpec('counter', { tenant: tenants[0] }), new RecordingHost(), 0);
    // The spare started with the first tenant is what the second tenant gets.
    await waitFor(() => s.hostProcesses().some((p) => p.spare));
    const spare = s.hostProcesses().find((p) => p.spare)?.pid;
    await startIncarnation(s, await fixtureSpec('counter', { tenant: tenants[1] }), new RecordingHost(), 0);
    assert.equal(pidOf(s, tenants[1] as string), spare);
    for (const t of tenants.slice(2)) await startIncarnation(s, await fixtureSpec('counter', { tenant: t }), new RecordingHost(), 0);
    const infos = s.hostProcesses();
    assert.equal(infos.length, 2, 'no spare once maxProcesses are placed');
    assert.deepEqual(infos.map((p) => p.tenants.length), [2, 2]);
  });

  it('kill -9 of a host process: its calls reject, its idle actors learn it, other tenants keep answering, a new spawn gets a fresh process', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0 }));
    const [victim, bystander] = [uniqueName('victim'), uniqueName('bystander')];
    const host = new RecordingHost();
    host.answer = () => new Promise(() => undefined);
    const busy = await startIncarnation(s, await fixtureSpec('remote', { tenant: victim }), host, null);
    const idle = await startIncarnation(s, await fixtureSpec('counter', { tenant: victim }), new RecordingHost(), 1);
    const other = await startIncarnation(s, await fixtureSpec('counter', { tenant: bystander }), new RecordingHost(), 2);
    const crashes: Array<{ code: string; details?: Readonly<Record<string, unknown>> }> = [];
    idle.onCrash?.((error) => crashes.push(error));
    const pid = pidOf(s, victim);

    const inFlight = busy.handleCall('waits forever');
    await waitFor(() => host.calls.length === 1);
    process.kill(pid, 'SIGKILL');
    await assert.rejects(inFlight, (err: { code?: string; message?: string; details?: Record<string, unknown> }) => {
      crashed('sandbox_died')(err);
      assert.equal(err.details?.['signal'], 'SIGKILL');
      assert.equal(err.details?.['pid'], pid);
      assert.match(err.message ?? '', /sandbox host process \(pid \d+\) died \(signal SIGKILL\)/);
      return true;
    });
    await waitFor(() => crashes.length === 1);
    assert.equal(crashes[0]?.code, 'service_crashed');
    assert.equal(crashes[0]?.details?.['reason'], 'sandbox_died');
    assert.equal(idle.disposed, true);
    await assert.rejects(idle.handleCall('get'), crashed('sandbox_died'));
    // A listener registered after the death still hears of it.
    const late = await new Promise<{ code: string }>((resolve) => idle.onCrash?.(resolve));
    assert.equal(late.code, 'service_crashed');

    assert.equal(await other.handleCall('get'), 2);
    const again = await startIncarnation(s, await fixtureSpec('counter', { tenant: victim }), new RecordingHost(), 9);
    assert.notEqual(pidOf(s, victim), pid);
    assert.equal(await again.handleCall('get'), 9);
  });

  it('crashes an Actor whose idle incarnation lost its process, so its owner can restart it in a fresh one', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0 }));
    const tenant = uniqueName('cell');
    const spec = await fixtureSpec('counter', { tenant });
    const exits: ExitReason[] = [];
    const actor = new Actor({ tenant, service: 'counter', onExit: (r) => exits.push(r) });
    actor.attach(await startIncarnation(s, spec, new RecordingHost(), 3));
    assert.equal(await actor.call('get', { timeoutMs: 5000 }), 3);
    const pid = pidOf(s, tenant);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => exits.length === 1);
    const exit = exits[0];
    assert.ok(exit?.kind === 'crash' && exit.error.code === 'service_crashed' && exit.error.details?.['reason'] === 'sandbox_died');
    assert.equal(actor.crashed, true);
    assert.equal(actor.incarnation, null);
    // Queued meanwhile, handled by the next incarnation.
    const queued = actor.call({ add: 1 }, { timeoutMs: 10_000 });
    actor.attach(await startIncarnation(s, spec, new RecordingHost(), 10));
    assert.equal(await queued, 11);
    assert.notEqual(pidOf(s, tenant), pid);
    await actor.stop();
  });

  it('a string too big for the host heap kills only its own host process, not the node', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0, maxOldSpaceMb: 64 }));
    const [hog, calm] = [uniqueName('hog'), uniqueName('calm')];
    const other = await startIncarnation(s, await fixtureSpec('counter', { tenant: calm }), new RecordingHost(), 4);
    // 128 MiB of reply fits the isolate's own 512 MiB limit, but not the 64 MiB heap of the process it crosses into.
    const giant = await code("export default { handleCall(m, s) { return { reply: 'x'.repeat(2 ** 27), state: s }; } };");
    const limits = { memory_mb: 512, cpu_ms: 20_000, wall_ms: 30_000 };
    const inst = await s.spawn({ tenant: hog, service: 'giant', code: giant, limits }, new RecordingHost());
    const pid = pidOf(s, hog);
    await assert.rejects(inst.handleCall(null), (err: { details?: Record<string, unknown> }) => {
      crashed('sandbox_died')(err);
      assert.equal(err.details?.['out_of_memory'], true);
      return true;
    });
    await waitFor(() => !isAlive(pid));
    assert.equal(await other.handleCall('get'), 4);
  });

  it('a fatal V8 out-of-memory in a handler ends its host process at once: the call crashes with sandbox_died (out of memory) and the next spawn gets a fresh process', async () => {
    // A hang grace far beyond any test: a host process stuck in V8's out-of-memory handling would be reported as
    // unresponsive (after a minute), which the assertions below refuse.
    const s = track(new ProcessSandbox({ spareProcesses: 1, hangGraceMs: 60_000 }));
    const [tenant, calm] = [uniqueName('oom'), uniqueName('calm')];
    const other = await startIncarnation(s, await fixtureSpec('counter', { tenant: calm }), new RecordingHost(), 3);
    // The escape suite's string-doubling: V8 either stops it at the isolate's limit (memory_limit) or fails the
    // allocation fatally, which isolated-vm cannot contain (the whole process aborts). Tries until the latter.
    const bomb = await code("export default { handleCall(m, s) { let t = 'x'; for (;;) { t = t + t; t = t.slice(1) + 'y'; } } };");
    const spec: SpawnSpec = { tenant, service: 'doubling', code: bomb, limits: { memory_mb: 16, cpu_ms: 2000, wall_ms: 4000 } };
    const deaths: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 8 && deaths.length === 0; i++) {
      const inst = await s.spawn(spec, new RecordingHost());
      const pid = pidOf(s, tenant);
      await assert.rejects(inst.handleCall(null), (err: { code?: string; message?: string; details?: Record<string, unknown> }) => {
        assert.equal(err.code, 'service_crashed');
        const reason = err.details?.['reason'];
        assert.ok(reason === 'memory_limit' || reason === 'sandbox_died', JSON.stringify(err.details));
        if (reason === 'sandbox_died') {
          assert.equal(err.details?.['out_of_memory'], true, JSON.stringify(err.details));
          assert.equal(err.details?.['unresponsive'], false, JSON.stringify(err.details));
          assert.equal(err.details?.['pid'], pid);
          assert.match(err.message ?? '', /after running out of memory/);
          deaths.push(err.details ?? {});
        }
        return true;
      });
      if (deaths.length > 0) {
        await waitFor(() => !isAlive(pid));
        const again = await startIncarnation(s, await fixtureSpec('counter', { tenant }), new RecordingHost(), 7);
        assert.notEqual(pidOf(s, tenant), pid, 'the dead process was handed out again');
        assert.equal(await again.handleCall('get'), 7);
      } else inst.dispose();
    }
    if (deaths.length === 0) process.stdout.write('# V8 stopped every try at the isolate limit: no fatal out-of-memory this run\n');
    assert.equal(await other.handleCall('get'), 3);
  });

  it('starts host processes that dump no core when they abort', async (t) => {
    if (!/prlimit/.test(execFileSync('sh', ['-c', 'command -v prlimit || true'], { encoding: 'utf8' }))) return t.skip('no prlimit on this system');
    const s = track(new ProcessSandbox({ spareProcesses: 0 }));
    const tenant = uniqueName('core');
    await startIncarnation(s, await fixtureSpec('counter', { tenant }), new RecordingHost(), 0);
    const limits = readFileSync(`/proc/${pidOf(s, tenant)}/limits`, 'utf8');
    assert.match(limits, /^Max core file size\s+0\s+0\s/m);
  });

  it('bounds fired timers waiting in the mailbox: a timer that sets two more at 0 ms hits maxTimers instead of flooding the mailbox', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0 }));
    const storm = await code(
      "export default { handleCall(m, s, ctx) { ctx.setTimer(0, {}); ctx.setTimer(0, {}); return { reply: 'started', state: s }; }, handleInfo(m, s, ctx) { let refused = 0; for (let i = 0; i < 2; i++) { try { ctx.setTimer(0, {}); } catch (e) { if (e.code !== 'limit_exceeded') throw e; refused++; } } return { fired: (s?.fired ?? 0) + 1, refused: (s?.refused ?? 0) + refused }; } };",
    );
    const host = new RecordingHost();
    const tenant = uniqueName('storm');
    const actor = new Actor({ tenant, service: 'storm', maxTimers: 20, onExit: () => undefined });
    host.actor = actor;
    actor.attach(await startIncarnation(s, { tenant, service: 'storm', code: storm, limits: { memory_mb: 32, cpu_ms: 2000, wall_ms: 5000 } }, host, null));
    assert.equal(await actor.call({}, { timeoutMs: 5000 }), 'started');
    const stateOf = async (): Promise<{ fired?: number; refused?: number } | null> => (await actor.incarnation?.getState()) as { fired?: number; refused?: number } | null;
    let maxMailbox = 0;
    await waitFor(
      async () => {
        maxMailbox = Math.max(maxMailbox, actor.mailboxLength);
        return ((await stateOf())?.refused ?? 0) > 50;
      },
      { timeoutMs: 20_000 },
    );
    // At most one fired timer waits in the mailbox; the others wait in the actor's timer table, counted.
    assert.ok(maxMailbox <= 1, `the mailbox held ${maxMailbox} messages`);
    assert.ok(actor.timerCount <= 20, `timerCount ${actor.timerCount}`);
    assert.ok(actor.mailboxLength <= 1);
    await actor.stop({ force: true });
    assert.equal(actor.timerCount, 0);
  });

  it('bounds WebAssembly memory, which isolate limits do not count, by the data limit of the host process', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0, dataLimitMb: 512, hangGraceMs: 2000 }));
    const [hog, calm] = [uniqueName('wasm'), uniqueName('calm')];
    const other = await startIncarnation(s, await fixtureSpec('counter', { tenant: calm }), new RecordingHost(), 5);
    const rssBefore = process.memoryUsage().rss;
    // Deploys reject WebAssembly (static analysis), so this module skips compileService: it stands for code that
    // got past the analysis, which the host process must still contain.
    const bomb =
      'const keep = []; export default { handleCall(m, s) { for (;;) { const mem = new WebAssembly.Memory({ initial: 256 }); new Uint8Array(mem.buffer).fill(1); keep.push(mem); } } };';
    const inst = await s.spawn({ tenant: hog, service: 'wasm', code: bomb, limits: { memory_mb: 32, cpu_ms: 10_000, wall_ms: 10_000 } }, new RecordingHost());
    // Either the allocation fails inside the isolate (the handler throws) or the process runs out of memory (and
    // dies, or hangs in V8's fatal-error path until the hang grace kills it): never the node.
    await assert.rejects(inst.handleCall(null), (err: { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(err.code, 'service_crashed');
      assert.ok(['throw', 'sandbox_died'].includes(String(err.details?.['reason'])), String(err.details?.['reason']));
      return true;
    });
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(grownMb < 128, `the test process grew by ${grownMb.toFixed(0)} MiB`);
    assert.equal(await other.handleCall('get'), 5);
  });

  it('kills a host process that stops answering, and its actors crash with sandbox_died', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0, hangGraceMs: 300 }));
    const tenant = uniqueName('stuck');
    const inst = await startIncarnation(s, await fixtureSpec('counter', { tenant, limits: { wall_ms: 300 } }), new RecordingHost(), 0);
    const pid = pidOf(s, tenant);
    // A stopped process answers nothing, like one whose event loop is stuck.
    process.kill(pid, 'SIGSTOP');
    await assert.rejects(inst.handleCall('get'), (err: { details?: Record<string, unknown>; message?: string }) => {
      crashed('sandbox_died')(err);
      assert.equal(err.details?.['unresponsive'], true);
      assert.match(err.message ?? '', /stopped answering and was killed/);
      return true;
    });
    await waitFor(() => !isAlive(pid));
  });

  it('dies with the process that started it, even on kill -9', async () => {
    const script = [
      "const { ProcessSandbox, compileService } = await import('./src/index.ts');",
      'const s = new ProcessSandbox({ spareProcesses: 0 });',
      "const { code } = await compileService('export default { handleCall(m, s) { return { reply: m, state: s }; } };', { filename: 'e.js' });",
      "await s.spawn({ tenant: 't', service: 'e', code, limits: { memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 } }, {});",
      "process.stdout.write(s.hostProcesses()[0].pid + '\\n');",
      'setInterval(() => undefined, 1000);',
    ].join('\n');
    const kernel = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const kernelPid = kernel.pid as number;
    pids.add(kernelPid);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: kernel.stdout }).once('line', resolve);
        kernel.once('exit', (code) => reject(new Error(`the kernel stand-in exited (${String(code)}) before printing its host pid`)));
      });
      const hostPid = Number(line);
      pids.add(hostPid);
      assert.ok(isAlive(hostPid));
      process.kill(kernelPid, 'SIGKILL');
      await waitFor(() => !isAlive(hostPid));
    } finally {
      if (isAlive(kernelPid)) process.kill(kernelPid, 'SIGKILL');
    }
  });

  it('close() ends every host process, spare included, and later spawns reject with unavailable', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 1 }));
    const live: SandboxedActor[] = [];
    for (const t of [uniqueName('c0'), uniqueName('c1')]) live.push(await startIncarnation(s, await fixtureSpec('counter', { tenant: t }), new RecordingHost(), 0));
    await waitFor(() => s.hostProcesses().some((p) => p.spare));
    const started = s.hostProcesses().map((p) => p.pid);
    assert.equal(started.length, 3);
    s.close();
    s.close();
    // Settled by close() itself, before the processes are seen gone.
    assert.ok(live.every((a) => a.disposed));
    assert.deepEqual(s.hostProcesses(), []);
    await waitFor(() => started.every((pid) => !isAlive(pid)));
    await assert.rejects(live[0]?.handleCall('get') ?? Promise.resolve(), crashed('disposed'));
    await assert.rejects(s.spawn(await fixtureSpec('counter'), new RecordingHost()), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'unavailable');
      assert.match(err.message, /process sandbox is closed/);
      return true;
    });
  });
});

describe('ProcessSandbox: what a host process is left with', () => {
  it('raises the data limit of a host process as actors come, so a tenant is not capped by the base', async () => {
    const s = track(new ProcessSandbox({ spareProcesses: 0, dataLimitMb: 256 }));
    try {
      const tenant = uniqueName('datalimit');
      const actors: SandboxedActor[] = [];
      for (let i = 0; i < 12; i++) actors.push(await startIncarnation(s, await fixtureSpec('counter', { tenant, service: `c${i}`, limits: { memory_mb: 64 } }), new RecordingHost(), i));
      for (const [i, a] of actors.entries()) assert.equal(await a.handleCall('get'), i);
      const pid = s.hostProcesses()[0]?.pid;
      assert.ok(pid !== undefined);
      const soft = Number(/^Max data size\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1]);
      assert.ok(soft >= (256 + 12 * 64) * 2 ** 20, `soft data limit ${soft} covers the base and 12 actors of 64 MiB`);
    } finally {
      s.close();
    }
  });

  it('runs host processes with the guards it reports: no network, an unprivileged user as root, none of the node environment', async () => {
    process.env['SOLO_TEST_SECRET'] = 'must-not-reach-a-host';
    const s = track(new ProcessSandbox({ spareProcesses: 0 }));
    try {
      const a = await startIncarnation(s, await fixtureSpec('counter', { tenant: uniqueName('guards') }), new RecordingHost(), 1);
      assert.equal(await a.handleCall('get'), 1);
      const g = s.guards;
      assert.ok(g !== null);
      const pid = s.hostProcesses()[0]?.pid;
      assert.ok(pid !== undefined);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((e) => e !== '');
      // PATH, and the variables with which Node hands the IPC channel to its child.
      assert.deepEqual(environ.map((e) => e.split('=')[0] ?? '').filter((k) => !k.startsWith('NODE_CHANNEL_')), ['PATH'], 'only PATH reaches a host process');
      assert.ok(!environ.some((e) => e.includes('must-not-reach-a-host')));
      assert.equal(readlinkSync(`/proc/${pid}/cwd`), '/');
      const ownNet = readlinkSync('/proc/self/ns/net');
      assert.equal(readlinkSync(`/proc/${pid}/ns/net`) !== ownNet, g.noNetwork, `network namespace as reported (noNetwork: ${g.noNetwork})`);
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      assert.equal(uid, g.user?.uid ?? process.getuid?.(), `runs as the user reported (${JSON.stringify(g.user)}; missing: ${g.missing.join('; ')})`);
      if (process.getuid?.() === 0 && g.user === null) assert.ok(g.missing.some((m) => m.includes('cannot read')), 'says why it kept root');
      assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^NoNewPrivs:\s+1$/m);
    } finally {
      delete process.env['SOLO_TEST_SECRET'];
      s.close();
    }
  });
});

describe('ProcessSandbox: bad input', () => {
  it('rejects spawns with unavailable when the host process cannot start, and retries on the next spawn', async () => {
    for (const opts of [{ execPath: '/nonexistent/node' }, { startTimeoutMs: 1 }]) {
      const s = track(new ProcessSandbox({ spareProcesses: 0, ...opts }));
      const spec = await fixtureSpec('counter');
      await assert.rejects(s.spawn(spec, new RecordingHost()), (err: { code: string; message: string }) => {
        assert.equal(err.code, 'unavailable');
        assert.match(err.message, /sandbox host process could not be started/);
        return true;
      });
      assert.deepEqual(s.hostProcesses(), []);
      await assert.rejects(s.spawn(spec, new RecordingHost()), { code: 'unavailable' });
      s.close();
    }
  });

  it('refuses to write its host program into a directory others can write, with unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'solo-bundle-'));
    try {
      chmodSync(dir, 0o777);
      const s = track(new ProcessSandbox({ spareProcesses: 0, bundleDir: dir }));
      await assert.rejects(s.spawn(await fixtureSpec('counter'), new RecordingHost()), (err: { code: string; message: string }) => {
        assert.equal(err.code, 'unavailable');
        assert.match(err.message, /writable by nobody else/);
        return true;
      });
      assert.deepEqual(readdirSync(dir), []);
      // Fixed: the next spawn bundles again and starts.
      chmodSync(dir, 0o700);
      const a = await startIncarnation(s, await fixtureSpec('counter'), new RecordingHost(), 3);
      assert.equal(await a.handleCall('get'), 3);
      assert.equal(readdirSync(dir).filter((f) => f.endsWith('.mjs')).length, 1);
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad options with invalid_request', () => {
    const bad: Array<Record<string, Json>> = [
      { maxProcesses: 0 },
      { maxProcesses: 1.5 },
      { maxOldSpaceMb: 1 },
      { spareProcesses: 2 },
      { dataLimitMb: -1 },
      { dataLimitMb: 16 },
      { startTimeoutMs: 0 },
      { serialization: 'xml' },
      { bundleDir: 'relative/dir' },
      { bundleDir: 42 },
      { runAs: { uid: 0, gid: 0 } },
      { runAs: { uid: 65534 } },
      { runAs: 'nobody' },
      { isolateNetwork: 'yes' },
      { isolate: { warmIsolates: -1 } },
    ];
    for (const opts of bad) assert.throws(() => new ProcessSandbox(opts as never), { code: 'invalid_request' }, JSON.stringify(opts));
  });
});
