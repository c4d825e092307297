// Tests of the Actor cell with real isolates: one message at a time, crashes, retries, timeouts, timers, stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TIMER_DELAY_MS, SoloError, type ExitReason, type Json } from '@solo/protocol';
import { waitFor } from '@solo/testkit';
import { Actor, IsolateSandbox, compileService, startIncarnation, type ActorOptions, type SandboxedActor } from '../src/index.ts';
import { fixtureSpec } from './fixtures.ts';
import { RecordingHost } from './recording-host.ts';

const sandbox = new IsolateSandbox();

interface Harness {
  actor: Actor;
  host: RecordingHost;
  exits: ExitReason[];
  start(args?: Json): Promise<SandboxedActor>;
}

async function harness(fixture: string, opts: Partial<ActorOptions> & { limits?: { cpu_ms?: number; wall_ms?: number } } = {}): Promise<Harness> {
  const spec = await fixtureSpec(fixture, opts.limits ? { limits: opts.limits } : {});
  const host = new RecordingHost();
  const exits: ExitReason[] = [];
  const actor = new Actor({ tenant: spec.tenant, service: spec.service, ...opts, onExit: (r) => exits.push(r) });
  host.actor = actor;
  const start = async (args: Json = null): Promise<SandboxedActor> => {
    const inst = await startIncarnation(sandbox, spec, host, args);
    actor.attach(inst);
    return inst;
  };
  return { actor, host, exits, start };
}

describe('Actor', () => {
  it('handles calls and casts one at a time in FIFO order', async () => {
    const h = await harness('counter');
    const early = h.actor.cast({ add: 2 });
    assert.equal(h.actor.mailboxLength, 1);
    await h.start(10);
    await early;
    const replies = await Promise.all([h.actor.call({ add: 1 }, { timeoutMs: 5000 }), h.actor.cast({ add: 100 }), h.actor.call('get', { timeoutMs: 5000 })]);
    assert.deepEqual(replies, [13, undefined, 113]);
    assert.equal(h.actor.messagesHandled, 4);
    assert.equal(h.actor.mailboxLength, 0);
    await h.actor.stop();
  });

  it('rejects the crashing call, keeps queued messages and resumes them on the next incarnation', async () => {
    const h = await harness('crashy');
    const first = await h.start();
    const boom = h.actor.call('boom', { timeoutMs: 5000 });
    const queuedCast = h.actor.cast('tick');
    const queuedCall = h.actor.call('get', { timeoutMs: 5000 });
    await assert.rejects(boom, { code: 'service_crashed' });
    assert.equal(first.disposed, true);
    assert.equal(h.actor.crashed, true);
    assert.equal(h.actor.incarnation, null);
    assert.equal(h.actor.mailboxLength, 2);
    assert.equal(h.exits.length, 1);
    const exit = h.exits[0];
    assert.ok(exit?.kind === 'crash' && exit.error.code === 'service_crashed' && exit.error.details?.['reason'] === 'throw');
    await h.start();
    await queuedCast;
    assert.equal(await queuedCall, 1);
    assert.equal(h.actor.crashed, false);
    await h.actor.stop();
  });

  it('retries a poison cast on each incarnation and dead-letters it after maxCastAttempts', async () => {
    const h = await harness('crashy');
    let restarts = 0;
    const restarting = new Set<Promise<unknown>>();
    const actor = new Actor({
      tenant: 'acme',
      service: 'crashy',
      onExit: (reason) => {
        h.exits.push(reason);
        // The owner's side of the contract: restart after each crash.
        if (reason.kind === 'crash') {
          restarts += 1;
          restarting.add(fixtureSpec('crashy').then((spec) => startIncarnation(sandbox, spec, h.host, null)).then((inst) => actor.attach(inst)));
        }
      },
    });
    actor.attach(await startIncarnation(sandbox, await fixtureSpec('crashy'), h.host, null));
    const poison = actor.cast('poison');
    const after = actor.cast('fine');
    await assert.rejects(poison, (err: SoloError) => {
      assert.equal(err.code, 'service_crashed');
      assert.deepEqual({ ...err.details }, { dead_letter: true, attempts: 3, reason: 'throw', error: 'TypeError: poison pill' });
      return true;
    });
    await after;
    assert.equal(restarts, 3);
    assert.equal(await actor.call('get', { timeoutMs: 5000 }), 1);
    await Promise.all(restarting);
    await actor.stop();
  });

  it('rejects a call with timeout and drops it when it never started', async () => {
    const h = await harness('remote', { limits: { wall_ms: 1000 } });
    h.host.answer = () => new Promise(() => undefined);
    await h.start();
    const inFlight = h.actor.call('slow', { timeoutMs: 50 });
    const queued = h.actor.call('queued', { timeoutMs: 50 });
    assert.equal(h.actor.mailboxLength, 1);
    await assert.rejects(inFlight, { code: 'timeout' });
    await assert.rejects(queued, (err: SoloError) => {
      assert.equal(err.code, 'timeout');
      assert.match(err.message, /still queued and has been dropped/);
      return true;
    });
    assert.equal(h.actor.mailboxLength, 0);
    // The handler still hangs; the wall limit ends it and the actor reports the crash.
    await waitFor(() => h.exits.length === 1, { timeoutMs: 10_000 });
    assert.equal(h.host.calls.length, 1);
  });

  it('delivers timers to handleInfo, cancels them and bounds their number', async () => {
    const h = await harness('ticker', { maxTimers: 5 });
    await h.start();
    await h.actor.cast('arm');
    await waitFor(async () => (await h.actor.call('get', { timeoutMs: 5000 })) === 1);
    await h.actor.cast('arm-late');
    await h.actor.cast('cancel');
    assert.deepEqual(await h.actor.incarnation?.getState(), { ticks: 1, timer: null });
    assert.equal(await h.actor.call('flood', { timeoutMs: 5000 }), 'limit_exceeded');
    assert.throws(() => h.actor.setTimer(10, null), { code: 'limit_exceeded' });
    assert.throws(() => h.actor.setTimer(MAX_TIMER_DELAY_MS + 1, null), { code: 'invalid_request' });
    await h.actor.stop();
  });

  it('clears timers when the incarnation crashes', async () => {
    const h = await harness('crashy');
    await h.start();
    const id = h.actor.setTimer(60_000, 'later');
    await assert.rejects(h.actor.call('boom', { timeoutMs: 5000 }), { code: 'service_crashed' });
    assert.equal(h.actor.cancelTimer(id), false);
  });

  it('refuses a message kind the module has no handler for without crashing', async () => {
    const h = await harness('remote');
    await h.start();
    await assert.rejects(h.actor.cast('x'), { code: 'invalid_request' });
    assert.equal(h.actor.crashed, false);
    assert.equal(h.exits.length, 0);
    await h.actor.stop();
  });

  it('stops after the in-flight message, runs terminate and rejects queued calls with unavailable', async () => {
    const h = await harness('counter');
    const inst = await h.start(1);
    const pending = h.actor.call({ add: 1 }, { timeoutMs: 5000 });
    const stopped = h.actor.stop({ reason: 'shutdown' });
    await assert.rejects(h.actor.call('get', { timeoutMs: 5000 }), { code: 'unavailable' });
    assert.equal(await stopped, 'normal');
    assert.equal(await pending, 2);
    assert.deepEqual(h.host.emits, [{ type: 'terminated', payload: { reason: 'shutdown', count: 2 } }]);
    assert.deepEqual(h.exits, [{ kind: 'shutdown' }]);
    assert.equal(inst.disposed, true);
    assert.equal(h.actor.incarnation, null);
  });

  it('stops by force without terminate, and when the in-flight message outlasts the stop timeout', async () => {
    const forced = await harness('counter');
    await forced.start();
    assert.equal(await forced.actor.stop({ force: true }), 'forced');
    assert.deepEqual(forced.host.emits, []);
    assert.deepEqual(forced.exits, [{ kind: 'normal' }]);

    const slow = await harness('remote');
    slow.host.answer = () => new Promise(() => undefined);
    await slow.start();
    const inFlight = assert.rejects(slow.actor.call('slow', { timeoutMs: 60_000 }), { code: 'unavailable' });
    const queued = assert.rejects(slow.actor.call('queued', { timeoutMs: 60_000 }), { code: 'unavailable' });
    assert.equal(await slow.actor.stop({ timeoutMs: 100 }), 'forced');
    await Promise.all([inFlight, queued]);
    assert.deepEqual(slow.exits, [{ kind: 'normal' }]);
  });

  it('closes: rejects everything queued with the given error', async () => {
    const h = await harness('crashy');
    await h.start();
    await assert.rejects(h.actor.call('boom', { timeoutMs: 5000 }), { code: 'service_crashed' });
    const queued = h.actor.call('get', { timeoutMs: 5000 });
    const gaveUp = new SoloError('service_crashed', 'crashed too often');
    h.actor.close(gaveUp);
    await assert.rejects(queued, { message: 'crashed too often' });
    await assert.rejects(h.actor.cast('x'), { message: 'crashed too often' });
    const late = await startIncarnation(sandbox, await fixtureSpec('crashy'), h.host, null);
    assert.throws(() => h.actor.attach(late), { message: 'crashed too often' });
    assert.equal(late.disposed, true);
  });
});

describe('startIncarnation', () => {
  it('disposes the incarnation and rethrows when init crashes', async () => {
    const code = (await compileService("export default { init() { throw new Error('no init'); }, handleCall(m, s) { return { reply: m, state: s }; } };", { filename: 'i.js' })).code;
    await assert.rejects(startIncarnation(sandbox, { ...(await fixtureSpec('counter')), code }, new RecordingHost(), null), (err: SoloError) => {
      assert.equal(err.code, 'service_crashed');
      assert.equal(err.details?.['reason'], 'throw');
      assert.match(err.message, /crashed in init/);
      return true;
    });
  });
});
