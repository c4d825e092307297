import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RestartStrategy } from '@solo/protocol';
import type { ChildStateName, TenantPolicyInput } from '../src/index.ts';
import type { Harness } from './tree-harness.ts';
import { NORMAL, createHarness } from './tree-harness.ts';

function setUp(policy: TenantPolicyInput, services = ['a', 'b', 'c', 'd']): Harness {
  const h = createHarness();
  h.tree.setTenantPolicy('acme', policy);
  for (const s of services) h.tree.addChild('acme', s, {});
  h.started('acme', ...services);
  h.take();
  return h;
}

function states(h: Harness, tenant = 'acme'): Record<string, ChildStateName> {
  const view = h.tree.snapshot().tenants.find((t) => t.tenant === tenant);
  return Object.fromEntries((view?.children ?? []).map((c) => [c.service, c.state]));
}

describe('tenant supervisor: strategies', () => {
  // A crash of b among a, b, c, d: which siblings stop (reverse registration order), and which start
  // once the kernel reported them stopped (registration order).
  const TABLE: { strategy: RestartStrategy; onCrash: string[]; stopped: string[]; onStopped: string[] }[] = [
    { strategy: 'one_for_one', onCrash: ['restart_scheduled b#1 0ms', 'start b#1'], stopped: [], onStopped: [] },
    {
      strategy: 'one_for_all',
      onCrash: [
        'restart_scheduled b#1 0ms',
        'stop d sibling_restart',
        'stop c sibling_restart',
        'stop a sibling_restart',
      ],
      stopped: ['d', 'c', 'a'],
      onStopped: ['start a#1', 'start b#1', 'start c#1', 'start d#1'],
    },
    {
      strategy: 'rest_for_one',
      onCrash: ['restart_scheduled b#1 0ms', 'stop d sibling_restart', 'stop c sibling_restart'],
      stopped: ['d', 'c'],
      onStopped: ['start b#1', 'start c#1', 'start d#1'],
    },
  ];
  for (const row of TABLE) {
    it(`emits the ${row.strategy} stops and starts in order`, () => {
      const h = setUp({ strategy: row.strategy });
      h.exit('acme', 'b');
      assert.deepEqual(h.take(), row.onCrash);
      for (const s of row.stopped.slice(0, -1)) h.stopped('acme', s);
      assert.deepEqual(h.take(), [], 'the group waits for every sibling to stop');
      h.stopped('acme', ...row.stopped.slice(-1));
      assert.deepEqual(h.take(), row.onStopped);
      h.started('acme', 'a', 'b', 'c', 'd');
      assert.deepEqual(states(h), { a: 'running', b: 'running', c: 'running', d: 'running' });
    });
  }

  it('under rest_for_one restarts the last child alone', () => {
    const h = setUp({ strategy: 'rest_for_one' });
    h.exit('acme', 'd');
    assert.deepEqual(h.take(), ['restart_scheduled d#1 0ms', 'start d#1']);
  });

  it('starts the group only after the crashed child backoff elapsed as well', () => {
    const h = setUp({ strategy: 'one_for_all', backoff: { initialMs: 300, jitter: 0 } }, ['a', 'b']);
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['restart_scheduled a#1 300ms', 'stop b sibling_restart']);
    h.stopped('acme', 'b');
    h.clock.advance(299);
    assert.deepEqual(h.take(), []);
    h.clock.advance(1);
    assert.deepEqual(h.take(), ['start a#1', 'start b#1']);
  });

  it('stops a temporary sibling under one_for_all but does not restart it', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('acme', { strategy: 'one_for_all' });
    h.tree.addChild('acme', 'a', {});
    h.tree.addChild('acme', 'b', { restart: 'temporary' });
    h.started('acme', 'a', 'b');
    h.take();
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['restart_scheduled a#1 0ms', 'stop b sibling_restart']);
    assert.equal(h.tree.childState('acme', 'a')?.state, 'backoff', 'a waits for b to be down');
    h.stopped('acme', 'b');
    assert.deepEqual(h.take(), ['start a#1']);
    assert.deepEqual(states(h), { a: 'restarting', b: 'stopped' });
  });

  it('leaves the siblings alone when the exiting child is not restarted', () => {
    const h = createHarness();
    h.tree.setTenantPolicy('acme', { strategy: 'one_for_all' });
    h.tree.addChild('acme', 'a', { restart: 'transient' });
    h.tree.addChild('acme', 'b', {});
    h.started('acme', 'a', 'b');
    h.take();
    h.exit('acme', 'a', NORMAL);
    assert.deepEqual(h.take(), []);
    assert.deepEqual(states(h), { a: 'stopped', b: 'running' });
  });

  it('folds a second crash during a group restart into the same group', () => {
    const h = setUp({ strategy: 'one_for_all' }, ['a', 'b', 'c']);
    h.exit('acme', 'a');
    assert.deepEqual(h.take(), ['restart_scheduled a#1 0ms', 'stop c sibling_restart', 'stop b sibling_restart']);
    h.exit('acme', 'b');
    assert.deepEqual(h.take(), [], 'b is already stopping for a: its exit is recorded only');
    h.stopped('acme', 'b', 'c');
    assert.deepEqual(h.take(), ['start a#1', 'start b#1', 'start c#1']);
  });

  it('keeps one restart group when a child in backoff is caught by a sibling restart', () => {
    const h = setUp({ strategy: 'one_for_all', backoff: { initialMs: 100, jitter: 0 } }, ['a', 'b', 'c']);
    h.exit('acme', 'b');
    assert.deepEqual(h.take(), ['restart_scheduled b#1 100ms', 'stop c sibling_restart', 'stop a sibling_restart']);
    h.clock.advance(100);
    assert.deepEqual(h.take(), []);
    h.stopped('acme', 'a', 'c');
    assert.deepEqual(h.take(), ['start a#1', 'start b#1', 'start c#1']);
  });

  it('lets the rest of a group start when a member is killed and removed meanwhile', () => {
    const h = setUp({ strategy: 'one_for_all' }, ['a', 'b', 'c']);
    h.exit('acme', 'a');
    h.take();
    h.stopped('acme', 'c');
    h.tree.report('acme', 'b', { type: 'stop_requested' });
    h.stopped('acme', 'b');
    h.tree.removeChild('acme', 'b');
    assert.deepEqual(h.take(), ['start a#1', 'start c#1']);
  });
});

describe('tenant supervisor: intensity and escalation', () => {
  function crashLoop(h: Harness, tenant: string, service: string, times: number): void {
    for (let i = 0; i < times; i++) {
      h.exit(tenant, service);
      if (h.tree.childState(tenant, service)?.state === 'restarting') h.started(tenant, service);
    }
  }

  it('marks only the child failed under mark_failed and leaves siblings and other tenants running', () => {
    const h = setUp({}, ['a', 'b']);
    h.tree.addChild('other', 'a', {});
    h.started('other', 'a');
    h.take();
    crashLoop(h, 'acme', 'a', 4);
    assert.deepEqual(h.take(), [
      'restart_scheduled a#1 0ms',
      'start a#1',
      'restart_scheduled a#2 0ms',
      'start a#2',
      'restart_scheduled a#3 0ms',
      'start a#3',
      'failed a',
      'escalated a mark_failed',
    ]);
    assert.deepEqual(states(h), { a: 'failed', b: 'running' });
    assert.deepEqual(states(h, 'other'), { a: 'running' });
    const acme = h.tree.snapshot().tenants.find((t) => t.tenant === 'acme');
    assert.equal(acme?.state, 'supervising');
    assert.equal(acme?.escalations, 1);
  });

  it('stops every other service of the tenant under stop_all, and only that tenant', () => {
    const h = setUp({ escalation: 'stop_all', maxRestarts: 0 }, ['a', 'b', 'c']);
    h.tree.addChild('other', 'a', {});
    h.started('other', 'a');
    h.take();
    h.exit('acme', 'b');
    assert.deepEqual(h.take(), ['failed b', 'escalated b stop_all', 'stop c escalation', 'stop a escalation']);
    h.stopped('acme', 'a', 'c');
    assert.deepEqual(h.take(), [], 'nothing restarts after an escalation');
    assert.deepEqual(states(h), { a: 'stopped', b: 'failed', c: 'stopped' });
    assert.equal(h.tree.snapshot().tenants.find((t) => t.tenant === 'acme')?.state, 'escalated');
    assert.deepEqual(states(h, 'other'), { a: 'running' });
    h.exit('other', 'a');
    assert.deepEqual(h.take(), ['other: restart_scheduled a#1 0ms', 'other: start a#1']);
  });

  it('cancels pending restarts of siblings under stop_all', () => {
    const h = setUp({ escalation: 'stop_all', backoff: { initialMs: 1000 } }, ['a', 'b']);
    h.exit('acme', 'a');
    assert.equal(h.clock.pending, 1);
    h.tree.addChild('acme', 'c', { maxRestarts: 0 });
    h.started('acme', 'c');
    h.take();
    h.exit('acme', 'c');
    assert.deepEqual(h.take(), ['failed c', 'escalated c stop_all', 'stop b escalation']);
    assert.equal(h.clock.pending, 0);
    assert.deepEqual(states(h), { a: 'stopped', b: 'stopping', c: 'failed' });
  });

  it('supervises again when a child is added after a stop_all escalation', () => {
    const h = setUp({ escalation: 'stop_all', maxRestarts: 0 }, ['a']);
    h.exit('acme', 'a');
    h.tree.addChild('acme', 'a', {});
    assert.deepEqual(h.take(), ['failed a', 'escalated a stop_all', 'start a#0']);
    assert.equal(h.tree.snapshot().tenants[0]?.state, 'supervising');
  });
});
