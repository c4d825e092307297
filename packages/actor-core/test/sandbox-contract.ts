// Behaviour every ActorSandbox owes the actor cell, whatever runs the isolate (in this process, or a sandbox
// host process): the test files of both implementations run these against their own sandbox.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { waitFor } from '@solo/testkit';
import { startIncarnation, type ActorSandbox } from '../src/index.ts';
import { fixtureSpec } from './fixtures.ts';
import { RecordingHost } from './recording-host.ts';

/** Registers the shared cases (inside the caller's describe) against `sandbox`. */
export function sandboxContract(sandbox: ActorSandbox): void {
  it('reports the shape of a module and keeps state across calls and casts', async () => {
    const host = new RecordingHost();
    const inst = await startIncarnation(sandbox, await fixtureSpec('counter'), host, 5);
    try {
      assert.deepEqual(inst.shape, {
        handlers: { init: true, handleCall: true, handleCast: true, handleInfo: false, codeChange: true, terminate: true },
        codeVersion: '1.0.0',
        trapExits: false,
      });
      assert.equal(await inst.handleCall('get'), 5);
      assert.equal(await inst.handleCall({ add: 10 }), 15);
      await inst.handleCast({ add: 2 });
      assert.deepEqual(await inst.getState(), { count: 17 });
      assert.deepEqual(host.logs, [{ level: 'info', message: 'cast', data: { msg: { add: 2 } } }]);
      await inst.setState({ count: 100 });
      assert.equal(await inst.handleCall('get'), 100);
      assert.ok(inst.heapBytes() > 0);
    } finally {
      inst.dispose();
    }
    assert.equal(inst.disposed, true);
    assert.equal(inst.heapBytes(), 0);
    await assert.rejects(inst.handleCall('get'), (err: { code?: string; details?: { reason?: string } }) => err.code === 'service_crashed' && err.details?.reason === 'disposed');
  });

  it("delivers a handler's logs, casts and emits, in order, before its reply or its crash", async () => {
    const host = new RecordingHost();
    const inst = await startIncarnation(sandbox, await fixtureSpec('chatty'), host, null);
    const lines = (n: number): Array<{ level: string; message: string; data: unknown }> => Array.from({ length: n }, (_, i) => ({ level: 'info', message: 'line', data: { i } }));
    assert.equal(await inst.handleCall({ lines: 300 }), 300);
    assert.deepEqual(host.logs, lines(300));
    assert.deepEqual(host.emits, [{ type: 'chatted', payload: { lines: 300 } }]);
    host.logs.length = 0;
    await assert.rejects(inst.handleCall({ lines: 3, fail: true }), (err: { code?: string; details?: { reason?: string } }) => err.code === 'service_crashed' && err.details?.reason === 'throw');
    // Said before the crash, so heard before the crash is reported.
    assert.deepEqual(host.logs, lines(3));
    assert.equal(host.emits.length, 2);
    await waitFor(() => host.casts.length === 2);
    assert.deepEqual(host.casts, [
      { target: 'notify', message: { calls: 0 } },
      { target: 'notify', message: { calls: 1 } },
    ]);
    assert.equal(inst.disposed, true);
  });

  it('migrates state in codeChange and runs terminate with ctx', async () => {
    const host = new RecordingHost();
    const inst = await sandbox.spawn(await fixtureSpec('counter'), host);
    await inst.codeChange({ n: 4 }, '0.9.0');
    assert.deepEqual(await inst.getState(), { count: 40 });
    await inst.terminate('shutdown');
    assert.deepEqual(host.emits, [{ type: 'terminated', payload: { reason: 'shutdown', count: 40 } }]);
    inst.dispose();
  });

  it('completes an async handler that awaits ctx.call, and passes host errors with their code', async () => {
    const host = new RecordingHost();
    host.answer = async (_target, message) => {
      await new Promise((r) => setTimeout(r, 5));
      if (message === 'fail') throw Object.assign(new Error('Service oracle is not deployed'), { code: 'not_found', message: 'Service oracle is not deployed' });
      return { echoed: message };
    };
    const inst = await startIncarnation(sandbox, await fixtureSpec('remote'), host, null);
    assert.deepEqual(await inst.handleCall('hi'), { answer: { echoed: 'hi' } });
    assert.deepEqual(host.calls, [{ target: 'oracle', message: 'hi', timeoutMs: 1000 }]);
    assert.deepEqual(host.casts, [{ target: 'audit', message: { asked: 'hi' } }]);
    assert.deepEqual(await inst.handleCall('fail'), { failed: 'not_found', message: 'Service oracle is not deployed' });
    assert.equal(inst.disposed, false);
    inst.dispose();
  });
}
