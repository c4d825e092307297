import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RestartStrategy } from '@solo/protocol';
import type { SiblingView } from '../src/restart-strategy.ts';
import { planGroupRestart } from '../src/restart-strategy.ts';

function running(...services: string[]): SiblingView[] {
  return services.map((service) => ({ service, state: 'running', restart: 'permanent', stopReason: null }));
}

describe('planGroupRestart', () => {
  const cases: { strategy: RestartStrategy; trigger: string; stop: string[]; members: string[] }[] = [
    { strategy: 'one_for_one', trigger: 'b', stop: [], members: ['b'] },
    { strategy: 'one_for_all', trigger: 'b', stop: ['d', 'c', 'a'], members: ['a', 'b', 'c', 'd'] },
    { strategy: 'rest_for_one', trigger: 'b', stop: ['d', 'c'], members: ['b', 'c', 'd'] },
    { strategy: 'rest_for_one', trigger: 'd', stop: [], members: ['d'] },
    { strategy: 'rest_for_one', trigger: 'a', stop: ['d', 'c', 'b'], members: ['a', 'b', 'c', 'd'] },
  ];
  for (const c of cases) {
    it(`under ${c.strategy}, a restart of ${c.trigger} stops [${c.stop.join(', ')}] and restarts [${c.members.join(', ')}]`, () => {
      const children = running('a', 'b', 'c', 'd').map((x): SiblingView =>
        x.service === c.trigger ? { ...x, state: 'backoff' } : x,
      );
      assert.deepEqual(planGroupRestart(c.strategy, children, c.trigger), {
        stop: c.stop,
        members: c.members,
        waitFor: [],
      });
    });
  }

  it('stops a running temporary sibling and waits for it, but does not restart it', () => {
    const children = running('a', 'b', 'c').map((x): SiblingView =>
      x.service === 'c' ? { ...x, restart: 'temporary' } : x,
    );
    assert.deepEqual(planGroupRestart('one_for_all', children, 'a'), {
      stop: ['c', 'b'],
      members: ['a', 'b'],
      waitFor: ['c'],
    });
  });

  it('takes siblings already down and waiting into the group without stopping them again', () => {
    const children: SiblingView[] = [
      { service: 'a', state: 'backoff', restart: 'permanent', stopReason: null },
      { service: 'b', state: 'backoff', restart: 'permanent', stopReason: null },
      { service: 'c', state: 'stopping', restart: 'transient', stopReason: 'sibling_restart' },
    ];
    assert.deepEqual(planGroupRestart('one_for_all', children, 'a'), {
      stop: [],
      members: ['a', 'b', 'c'],
      waitFor: [],
    });
  });

  it('leaves siblings that are being killed, stopped or failed alone', () => {
    const children: SiblingView[] = [
      { service: 'a', state: 'running', restart: 'permanent', stopReason: null },
      { service: 'b', state: 'stopping', restart: 'permanent', stopReason: 'kill' },
      { service: 'c', state: 'stopped', restart: 'permanent', stopReason: null },
      { service: 'd', state: 'failed', restart: 'permanent', stopReason: null },
    ];
    assert.deepEqual(planGroupRestart('one_for_all', children, 'a'), { stop: [], members: ['a'], waitFor: [] });
  });

  it('plans nothing for an unknown trigger', () => {
    assert.deepEqual(planGroupRestart('rest_for_one', running('a'), 'zz'), { stop: [], members: [], waitFor: [] });
  });
});
