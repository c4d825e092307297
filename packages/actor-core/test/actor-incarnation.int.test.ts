// Tests of how an owner drives an Actor's incarnations, with real isolates: ctx.exit, pause and swap of the
// incarnation (hot swap), detach (a restart that keeps the mailbox), kill (a linked crash), ctx.link/monitor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExitReason, Json, SoloError } from '@solo/protocol';
import { waitFor } from '@solo/testkit';
import { Actor, IsolateSandbox, linkedCrash, startIncarnation, type SandboxedActor } from '../src/index.ts';
import { fixtureSpec } from './fixtures.ts';
import { RecordingHost } from './recording-host.ts';

const sandbox = new IsolateSandbox();

async function harness(fixture: string): Promise<{ actor: Actor; host: RecordingHost; exits: ExitReason[]; start(args?: Json): Promise<SandboxedActor> }> {
  const spec = await fixtureSpec(fixture);
  const host = new RecordingHost();
  const exits: ExitReason[] = [];
  const actor = new Actor({ tenant: spec.tenant, service: spec.service, onExit: (r) => exits.push(r) });
  host.actor = actor;
  return {
    actor,
    host,
    exits,
    start: async (args: Json = null) => {
      const inst = await startIncarnation(sandbox, spec, host, args);
      actor.attach(inst);
      return inst;
    },
  };
}

/** A ctx.call answer the test releases when it wants. */
function gate(host: RecordingHost): { release(): void } {
  let release: () => void = () => undefined;
  host.answer = () => new Promise<Json>((resolve) => (release = () => resolve('pong')));
  return { release: () => release() };
}

const killError = linkedCrash({ tenant: 'acme', service: 'linker' }, 'other', { code: 'service_crashed', message: 'boom' });

describe('Actor incarnations', () => {
  it('ends the incarnation after the handler when the service calls ctx.exit, keeping queued messages', async () => {
    const h = await harness('linker');
    const first = await h.start();
    const bye = h.actor.call('exit', { timeoutMs: 5000 });
    const queued = h.actor.cast('tick');
    assert.equal(await bye, 'bye');
    await waitFor(() => h.exits.length === 1);
    assert.deepEqual(h.exits, [{ kind: 'normal' }]);
    assert.equal(first.disposed, true);
    assert.equal(h.actor.incarnation, null);
    assert.deepEqual(h.host.emits, [{ type: 'terminated', payload: { reason: 'normal' } }]);
    assert.equal(h.actor.mailboxLength, 1);
    await h.start();
    await queued;
    assert.equal(await h.actor.call('get', { timeoutMs: 5000 }), 1);
    await h.actor.stop();
  });

  it('reports exit reason shutdown when the service asks for it', async () => {
    const h = await harness('linker');
    await h.start();
    await h.actor.call('shutdown', { timeoutMs: 5000 });
    await waitFor(() => h.exits.length === 1);
    assert.deepEqual(h.exits, [{ kind: 'shutdown' }]);
    await h.actor.stop();
  });

  it('holds messages while paused and hands them, in order, to the incarnation swapped in', async () => {
    const h = await harness('counter');
    const old = await h.start(5);
    await h.actor.pause();
    const replies = [h.actor.call({ add: 1 }, { timeoutMs: 5000 }), h.actor.cast({ add: 10 }), h.actor.call('get', { timeoutMs: 5000 })];
    assert.equal(h.actor.mailboxLength, 3);
    const next = await startIncarnation(sandbox, await fixtureSpec('counter'), h.host, 100);
    assert.equal(h.actor.replaceIncarnation(next), old);
    assert.equal(old.disposed, false);
    old.dispose();
    h.actor.resume();
    assert.deepEqual(await Promise.all(replies), [101, undefined, 111]);
    assert.equal(h.exits.length, 0);
    await h.actor.stop();
  });

  it('refuses to swap the incarnation unless paused', async () => {
    const h = await harness('counter');
    await h.start();
    const next = await startIncarnation(sandbox, await fixtureSpec('counter'), h.host, 0);
    assert.throws(() => h.actor.replaceIncarnation(next), { code: 'internal' });
    next.dispose();
    await h.actor.stop();
  });

  it('detaches: terminate runs, the mailbox stays, nothing is reported, and the next attach continues', async () => {
    const h = await harness('linker');
    const g = gate(h.host);
    await h.start();
    const inflight = h.actor.cast('wait');
    const queued = h.actor.cast('tick');
    await waitFor(() => h.host.calls.length === 1);
    const detached = h.actor.detach({ timeoutMs: 5000, reason: 'shutdown' });
    g.release();
    assert.equal(await detached, 'normal');
    await inflight;
    assert.equal(h.actor.incarnation, null);
    assert.equal(h.actor.mailboxLength, 1);
    assert.deepEqual(h.exits, []);
    assert.deepEqual(h.host.emits, [{ type: 'terminated', payload: { reason: 'shutdown' } }]);
    await h.start();
    await queued;
    assert.equal(await h.actor.call('get', { timeoutMs: 5000 }), 1);
    await h.actor.stop();
  });

  it('puts a cast that a forced detach cut short back at the head of the mailbox', async () => {
    const h = await harness('linker');
    gate(h.host);
    await h.start();
    const cut = h.actor.cast('wait');
    const queued = h.actor.cast('tick');
    await waitFor(() => h.host.calls.length === 1);
    assert.equal(await h.actor.detach({ force: true }), 'forced');
    await waitFor(() => h.actor.mailboxLength === 2);
    h.host.answer = () => Promise.resolve('pong');
    await h.start();
    await Promise.all([cut, queued]);
    assert.equal(await h.actor.call('get', { timeoutMs: 5000 }), 2);
    assert.deepEqual(h.exits, []);
    await h.actor.stop();
  });

  it('crashes with the kill error: a call in flight fails with it, a cast in flight is kept uncounted', async () => {
    const h = await harness('linker');
    gate(h.host);
    await h.start();
    const call = h.actor.call('wait', { timeoutMs: 5000 });
    await waitFor(() => h.host.calls.length === 1);
    h.actor.kill(killError);
    await assert.rejects(call, (err: SoloError) => err.code === 'service_crashed' && err.details?.['reason'] === 'linked');
    await waitFor(() => h.exits.length === 1);
    const exit = h.exits[0];
    assert.ok(exit?.kind === 'crash' && exit.error.details?.['reason'] === 'linked' && exit.error.details['from'] === 'other');

    h.host.answer = () => new Promise<Json>(() => undefined);
    await h.start();
    const cast = h.actor.cast('wait');
    await waitFor(() => h.host.calls.length === 2);
    h.actor.kill(killError);
    await waitFor(() => h.exits.length === 2 && h.actor.mailboxLength === 1);
    h.host.answer = () => Promise.resolve('pong');
    await h.start();
    await cast;
    assert.equal(h.exits.length, 2);
    await h.actor.stop();
  });

  it('holds an exit signal that arrives while paused until resume', async () => {
    const h = await harness('linker');
    await h.start();
    await h.actor.pause();
    h.actor.kill(killError);
    assert.equal(h.exits.length, 0);
    assert.notEqual(h.actor.incarnation, null);
    h.actor.resume();
    assert.equal(h.exits.length, 1);
    assert.equal(h.actor.incarnation, null);
    await h.actor.stop();
  });

  it('passes ctx.monitor and ctx.link to the host, rethrows its errors in the service, and reads trapExits', async () => {
    const h = await harness('linker');
    const inst = await h.start();
    assert.equal(inst.shape.trapExits, true);
    assert.equal(inst.shape.codeVersion, '2.0.0');
    assert.equal(await h.actor.call('monitor', { timeoutMs: 5000 }), 'ref-1');
    assert.equal(await h.actor.call('link-ghost', { timeoutMs: 5000 }), 'not_found');
    assert.deepEqual(h.host.links, [{ op: 'monitor', target: 'other' }]);
    void h.actor.info({ type: 'down', ref: 'ref-1', target: 'other', reason: { kind: 'normal' } });
    assert.deepEqual(await h.actor.call('infos', { timeoutMs: 5000 }), [{ type: 'down', ref: 'ref-1', target: 'other', reason: { kind: 'normal' } }]);
    await h.actor.stop();
    const plain = await startIncarnation(sandbox, await fixtureSpec('counter'), h.host, 0);
    assert.equal(plain.shape.trapExits, false);
    plain.dispose();
  });
});
