import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExitReason, RestartType } from '@solo/protocol';
import type { ChildStateName } from '../src/index.ts';
import { CRASH, NORMAL, SHUTDOWN, createHarness } from './tree-harness.ts';

const EXITS: Record<ExitReason['kind'], ExitReason> = { normal: NORMAL, shutdown: SHUTDOWN, crash: CRASH };

describe('child machine', () => {
  it('asks for the first start, then runs once the kernel reports it started', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', {});
    assert.deepEqual(h.take(), ['start a#0']);
    assert.equal(h.tree.childState('acme', 'a')?.state, 'starting');
    h.started('acme', 'a');
    assert.deepEqual(h.tree.childState('acme', 'a'), {
      state: 'running',
      restarts: 0,
      lastExit: null,
      lastExitAt: null,
      spec: { restart: 'permanent' },
    });
  });

  // Each restart type × each exit kind: what the child asks of the kernel and where it ends.
  const TABLE: { restart: RestartType; exit: ExitReason['kind']; actions: string[]; state: ChildStateName }[] = [
    { restart: 'permanent', exit: 'normal', actions: ['restart_scheduled a#1 0ms', 'start a#1'], state: 'restarting' },
    {
      restart: 'permanent',
      exit: 'shutdown',
      actions: ['restart_scheduled a#1 0ms', 'start a#1'],
      state: 'restarting',
    },
    { restart: 'permanent', exit: 'crash', actions: ['restart_scheduled a#1 0ms', 'start a#1'], state: 'restarting' },
    { restart: 'transient', exit: 'normal', actions: [], state: 'stopped' },
    { restart: 'transient', exit: 'shutdown', actions: [], state: 'stopped' },
    { restart: 'transient', exit: 'crash', actions: ['restart_scheduled a#1 0ms', 'start a#1'], state: 'restarting' },
    { restart: 'temporary', exit: 'normal', actions: [], state: 'stopped' },
    { restart: 'temporary', exit: 'shutdown', actions: [], state: 'stopped' },
    { restart: 'temporary', exit: 'crash', actions: [], state: 'stopped' },
  ];
  for (const row of TABLE) {
    it(`${row.state === 'stopped' ? 'leaves' : 'restarts'} a ${row.restart} child after a ${row.exit} exit`, () => {
      const h = createHarness();
      h.tree.addChild('acme', 'a', { restart: row.restart });
      h.started('acme', 'a');
      h.take();
      h.exit('acme', 'a', EXITS[row.exit]);
      assert.deepEqual(h.take(), row.actions);
      const view = h.tree.childState('acme', 'a');
      assert.equal(view?.state, row.state);
      assert.deepEqual(view?.lastExit, EXITS[row.exit]);
      assert.equal(view?.lastExitAt, h.clock.now());
    });
  }

  it('treats a failed start as a crash: a transient child is restarted', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', { restart: 'transient' });
    h.take();
    h.tree.report('acme', 'a', { type: 'start_failed', error: { code: 'compile_error', message: 'bad code' } });
    assert.deepEqual(h.take(), ['restart_scheduled a#1 0ms', 'start a#1']);
    assert.deepEqual(h.tree.childState('acme', 'a')?.lastExit, {
      kind: 'crash',
      error: { code: 'compile_error', message: 'bad code' },
    });
    h.started('acme', 'a');
    assert.deepEqual(h.tree.childState('acme', 'a'), {
      state: 'running',
      restarts: 1,
      lastExit: { kind: 'crash', error: { code: 'compile_error', message: 'bad code' } },
      lastExitAt: h.clock.now(),
      spec: { restart: 'transient' },
    });
  });

  it('waits out the backoff on the injected clock before asking for the start', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('acme', { backoff: { initialMs: 100 } });
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    h.take();
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['restart_scheduled a#1 100ms']);
    assert.equal(h.tree.childState('acme', 'a')?.state, 'backoff');
    h.clock.advance(99);
    assert.deepEqual(h.take(), []);
    h.clock.advance(1);
    assert.deepEqual(h.take(), ['start a#1']);
    assert.equal(h.tree.childState('acme', 'a')?.state, 'restarting');
  });

  it('backs off exponentially with jitter from the injected random source, and caps the delay', () => {
    const draws = [0, 0.5, 0.999999, 0.5, 0.5];
    const h = createHarness({ random: () => draws.shift() ?? 0.5 });
    h.tree.setTenantPolicy('acme', { maxRestarts: 10, maxSeconds: 60, backoff: { initialMs: 100, maxMs: 1000 } });
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    h.take();
    const delays: string[] = [];
    for (let i = 0; i < 5; i++) {
      h.exit('acme', 'a');
      delays.push(...h.take());
      h.clock.advance(1000);
      h.take();
      h.started('acme', 'a');
    }
    assert.deepEqual(delays, [
      'restart_scheduled a#1 80ms',
      'restart_scheduled a#2 200ms',
      'restart_scheduled a#3 480ms',
      'restart_scheduled a#4 800ms',
      'restart_scheduled a#5 1000ms',
    ]);
  });

  it('forgets restarts older than the window: a long-lived child restarts as attempt 1 again', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', { maxRestarts: 2 });
    h.started('acme', 'a');
    h.exit('acme', 'a');
    h.started('acme', 'a');
    h.exit('acme', 'a');
    h.started('acme', 'a');
    h.take();
    h.clock.advance(5000);
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['restart_scheduled a#1 0ms', 'start a#1']);
  });

  it('fails once its own intensity override is exceeded', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', { maxRestarts: 1 });
    h.started('acme', 'a');
    h.exit('acme', 'a');
    h.started('acme', 'a');
    h.take();
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['failed a', 'escalated a mark_failed']);
    assert.equal(h.tree.childState('acme', 'a')?.state, 'failed');
    const failed = h.actions.find((a) => a.type === 'failed');
    assert.match(failed?.type === 'failed' ? failed.reason : '', /more than 1 restart\(s\) within 5 s/);
  });

  it('picks up a new tenant policy while supervised', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    h.tree.setTenantPolicy('acme', { maxRestarts: 0 });
    h.take();
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['failed a', 'escalated a mark_failed']);
  });

  it('goes down for good after a kill: stop_requested, then stopped', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    h.take();
    h.tree.report('acme', 'a', { type: 'stop_requested' });
    assert.equal(h.tree.childState('acme', 'a')?.state, 'stopping');
    h.exit('acme', 'a', SHUTDOWN);
    assert.equal(h.tree.childState('acme', 'a')?.state, 'stopping');
    h.stopped('acme', 'a');
    assert.equal(h.tree.childState('acme', 'a')?.state, 'stopped');
    assert.deepEqual(h.tree.childState('acme', 'a')?.lastExit, SHUTDOWN);
    assert.deepEqual(h.take(), []);
  });

  it('cancels a pending restart when a kill arrives during backoff', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('acme', { backoff: { initialMs: 500 } });
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    h.exit('acme', 'a');
    assert.equal(h.clock.pending, 1);
    h.tree.report('acme', 'a', { type: 'stop_requested' });
    assert.equal(h.tree.childState('acme', 'a')?.state, 'stopped');
    assert.equal(h.clock.pending, 0);
    h.take();
    h.clock.advance(1000);
    assert.deepEqual(h.take(), []);
  });

  it('ignores facts that do not apply to its state', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', { maxRestarts: 0 });
    h.started('acme', 'a');
    h.started('acme', 'a');
    assert.equal(h.tree.childState('acme', 'a')?.state, 'running');
    h.exit('acme', 'a');
    h.take();
    for (const fact of [
      { type: 'started' },
      { type: 'stopped' },
      { type: 'stop_requested' },
      { type: 'exited', reason: CRASH },
    ] as const) {
      h.tree.report('acme', 'a', fact);
    }
    assert.equal(h.tree.childState('acme', 'a')?.state, 'failed');
    assert.deepEqual(h.take(), []);
  });
});
