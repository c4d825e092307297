import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGroupMember, mergeRestartGroup, releaseReadyGroups, removeFromGroups } from '../src/restart-group.ts';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('restart groups', () => {
  it('merges overlapping groups into one, in registration order, with the higher attempt', () => {
    const groups = mergeRestartGroup(
      [
        { members: ['c', 'd'], attempt: 2, waitFor: [] },
        { members: ['e'], attempt: 1, waitFor: [] },
      ],
      { members: ['d', 'b'], attempt: 1, waitFor: ['a'] },
      order,
    );
    assert.deepEqual(groups, [
      { members: ['e'], attempt: 1, waitFor: [] },
      { members: ['b', 'c', 'd'], attempt: 2, waitFor: ['a'] },
    ]);
  });

  it('releases only groups whose members are all ready and that wait for nobody', () => {
    const groups = [
      { members: ['a', 'b'], attempt: 1, waitFor: [] },
      { members: ['c'], attempt: 1, waitFor: [] },
      { members: ['d'], attempt: 1, waitFor: ['e'] },
    ];
    assert.deepEqual(releaseReadyGroups(groups, ['b', 'c', 'd']), {
      released: [{ members: ['c'], attempt: 1, waitFor: [] }],
      groups: [
        { members: ['a', 'b'], attempt: 1, waitFor: [] },
        { members: ['d'], attempt: 1, waitFor: ['e'] },
      ],
      ready: ['b', 'd'],
    });
  });

  it('drops a child that went down for good, and the groups left with nobody to restart', () => {
    const groups = [
      { members: ['a', 'b'], attempt: 1, waitFor: ['c'] },
      { members: ['b'], attempt: 3, waitFor: [] },
    ];
    assert.deepEqual(removeFromGroups(removeFromGroups(groups, 'b'), 'c'), [
      { members: ['a'], attempt: 1, waitFor: [] },
    ]);
    assert.equal(isGroupMember(groups, 'a'), true);
    assert.equal(isGroupMember(removeFromGroups(groups, 'b'), 'b'), false);
  });
});
