// Behaviour every ActorSandbox owes the actor cell, whatever runs the isolate (in this process, or a sandbox
// host process): the test files of both implementations run these against their own sandbox.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startIncarnation, type ActorSandbox } from '../src/index.ts';
import { fixtureSpec } from './fixtures.ts';
import { RecordingHost } from './recording-host.ts';

/** Registers the shared cases (inside the caller's describe) against `sandbox`. */
export function sandboxContract(sandbox: ActorSandbox): void {
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
