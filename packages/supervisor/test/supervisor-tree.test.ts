import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChildFact, ChildSpecInput, SupervisorAction } from '../src/index.ts';
import { CHILD_STATES } from '../src/index.ts';
import type { Harness } from './tree-harness.ts';
import { CRASH, CRASH_ERROR, createHarness } from './tree-harness.ts';

describe('createSupervisorTree', () => {
  it('ignores facts about unknown tenants and services', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', {});
    h.take();
    const facts: ChildFact[] = [
      { type: 'started' },
      { type: 'start_failed', error: CRASH_ERROR },
      { type: 'exited', reason: CRASH },
      { type: 'stop_requested' },
      { type: 'stopped' },
      { type: 'bogus' } as unknown as ChildFact,
    ];
    for (const fact of facts) {
      h.tree.report('nobody', 'a', fact);
      h.tree.report('acme', 'ghost', fact);
    }
    h.tree.report('acme', 'a', { type: 'bogus' } as unknown as ChildFact);
    assert.deepEqual(h.take(), []);
    assert.equal(h.tree.childState('acme', 'ghost'), undefined);
    assert.equal(h.tree.childState('nobody', 'a'), undefined);
    assert.equal(h.tree.childState('acme', 'a')?.state, 'starting');
  });

  it('cancels the pending restart when a child is removed during backoff', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('acme', { backoff: { initialMs: 1000 } });
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    h.exit('acme', 'a');
    assert.equal(h.clock.pending, 1);
    h.take();
    h.tree.removeChild('acme', 'a');
    assert.equal(h.clock.pending, 0);
    h.clock.advance(10_000);
    assert.deepEqual(h.take(), []);
    assert.equal(h.tree.childState('acme', 'a'), undefined);
    h.tree.report('acme', 'a', { type: 'started' });
    assert.deepEqual(h.take(), []);
  });

  it('ignores removing a child it does not know', () => {
    const h = createHarness();
    h.tree.removeChild('acme', 'a');
    h.tree.addChild('acme', 'a', {});
    h.tree.removeChild('acme', 'b');
    assert.deepEqual(h.take(), ['start a#0']);
  });

  const badAdds: { name: string; tenant: string; service: string; spec: unknown }[] = [
    { name: 'a bad tenant id', tenant: 'Acme!', service: 'a', spec: {} },
    { name: 'a bad service id', tenant: 'acme', service: '', spec: {} },
    { name: 'a negative maxRestarts', tenant: 'acme', service: 'a', spec: { maxRestarts: -1 } },
    { name: 'an unknown restart type', tenant: 'acme', service: 'a', spec: { restart: 'forever' } },
    { name: 'maxSeconds 0', tenant: 'acme', service: 'a', spec: { maxSeconds: 0 } },
  ];
  for (const c of badAdds) {
    it(`rejects addChild with ${c.name} and leaves nothing behind`, () => {
      const h = createHarness();
      assert.throws(() => h.tree.addChild(c.tenant, c.service, c.spec as ChildSpecInput), { code: 'invalid_request' });
      assert.deepEqual(h.take(), []);
      assert.deepEqual(h.tree.snapshot(), { state: 'running', tenants: [] });
    });
  }

  it('rejects setTenantPolicy with an unknown strategy and keeps the old policy', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('acme', { strategy: 'rest_for_one' });
    assert.throws(() => h.tree.setTenantPolicy('acme', { strategy: 'all_at_once' as never }), {
      code: 'invalid_request',
    });
    assert.equal(h.tree.snapshot().tenants[0]?.strategy, 'rest_for_one');
  });

  it('refuses to add a live child twice, and replaces a stopped or failed one with a fresh child', () => {
    const h = createHarness();
    h.tree.addChild('acme', 'a', { restart: 'temporary' });
    h.started('acme', 'a');
    assert.throws(() => h.tree.addChild('acme', 'a', {}), { code: 'already_exists' });
    h.exit('acme', 'a');
    h.tree.addChild('acme', 'a', {});
    assert.deepEqual(h.take(), ['start a#0', 'start a#0']);
    assert.deepEqual(h.tree.childState('acme', 'a'), {
      state: 'starting',
      restarts: 0,
      lastExit: null,
      lastExitAt: null,
      spec: { restart: 'permanent' },
    });
  });

  it('shows the tree: tenants sorted, their policy, children in registration order with restarts and last crash', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('zeta', { strategy: 'one_for_all', escalation: 'stop_all', maxRestarts: 5, maxSeconds: 30 });
    h.tree.addChild('acme', 'web', {});
    h.tree.addChild('acme', 'db', { restart: 'transient' });
    h.started('acme', 'web', 'db');
    h.exit('acme', 'db');
    h.started('acme', 'db');
    assert.deepEqual(h.tree.snapshot(), {
      state: 'running',
      tenants: [
        {
          tenant: 'acme',
          state: 'supervising',
          strategy: 'one_for_one',
          intensity: { maxRestarts: 3, maxSeconds: 5 },
          escalation: 'mark_failed',
          escalations: 0,
          children: [
            { service: 'web', state: 'running', restart: 'permanent', restarts: 0, lastCrash: null },
            {
              service: 'db',
              state: 'running',
              restart: 'transient',
              restarts: 1,
              lastCrash: { at: h.clock.now(), error: CRASH_ERROR },
            },
          ],
        },
        {
          tenant: 'zeta',
          state: 'supervising',
          strategy: 'one_for_all',
          intensity: { maxRestarts: 5, maxSeconds: 30 },
          escalation: 'stop_all',
          escalations: 0,
          children: [],
        },
      ],
    });
  });

  it('only reports states from CHILD_STATES', () => {
    assert.deepEqual(
      [...CHILD_STATES],
      ['starting', 'running', 'crashed', 'backoff', 'restarting', 'stopping', 'stopped', 'failed'],
    );
  });

  it('stops every machine and its timers on stop(), then refuses new work', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('acme', { backoff: { initialMs: 1000 } });
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    h.exit('acme', 'a');
    h.take();
    h.tree.stop();
    assert.equal(h.clock.pending, 0);
    h.clock.advance(5000);
    h.tree.report('acme', 'a', { type: 'started' });
    h.tree.removeChild('acme', 'a');
    h.tree.stop();
    assert.deepEqual(h.take(), []);
    assert.equal(h.tree.childState('acme', 'a'), undefined);
    assert.deepEqual(h.tree.snapshot(), { state: 'stopped', tenants: [] });
    assert.throws(() => h.tree.addChild('acme', 'b', {}), { code: 'unavailable' });
    assert.throws(() => h.tree.setTenantPolicy('acme', {}), { code: 'unavailable' });
  });

  it('accepts facts reported from inside onAction, keeping the order of actions', () => {
    // A kernel whose starts and stops complete synchronously, inside the callback.
    const kernel = (a: SupervisorAction, h: Harness): void => {
      if (a.type === 'start') h.tree.report(a.tenant, a.service, { type: 'started' });
      if (a.type === 'stop') h.tree.report(a.tenant, a.service, { type: 'stopped' });
    };
    const h = createHarness({ onAction: kernel });
    h.tree.setTenantPolicy('acme', { strategy: 'one_for_all' });
    for (const s of ['a', 'b', 'c']) h.tree.addChild('acme', s, {});
    assert.deepEqual(h.take(), ['start a#0', 'start b#0', 'start c#0']);
    h.exit('acme', 'b');
    assert.deepEqual(h.take(), [
      'restart_scheduled b#1 0ms',
      'stop c sibling_restart',
      'stop a sibling_restart',
      'start a#1',
      'start b#1',
      'start c#1',
    ]);
    assert.deepEqual(
      ['a', 'b', 'c'].map((s) => h.tree.childState('acme', s)?.state),
      ['running', 'running', 'running'],
    );
  });

  it('rethrows an exception from onAction to the caller and keeps supervising', () => {
    let fail = true;
    const h = createHarness({
      onAction: (a) => {
        if (fail && a.type === 'restart_scheduled') throw new Error('kernel bug');
      },
    });
    h.tree.addChild('acme', 'a', {});
    h.started('acme', 'a');
    assert.throws(() => h.exit('acme', 'a'), { message: 'kernel bug' });
    assert.equal(h.tree.childState('acme', 'a')?.state, 'restarting');
    fail = false;
    h.started('acme', 'a');
    h.take();
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['restart_scheduled a#2 0ms', 'start a#2']);
  });
});
