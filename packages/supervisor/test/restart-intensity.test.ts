import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RESTART_INTENSITY, recordRestart } from '../src/index.ts';

describe('recordRestart', () => {
  const policy = { maxRestarts: 3, maxSeconds: 5 };

  it('allows maxRestarts restarts in the window and reports the next one as exceeded', () => {
    let history: number[] = [];
    const exceeded: boolean[] = [];
    for (const at of [0, 1000, 2000, 3000]) {
      const r = recordRestart(history, at, policy);
      history = r.history;
      exceeded.push(r.exceeded);
    }
    assert.deepEqual(exceeded, [false, false, false, true]);
    assert.deepEqual(history, [0, 1000, 2000, 3000]);
  });

  const cases: { name: string; history: number[]; now: number; expected: { history: number[]; exceeded: boolean } }[] =
    [
      {
        name: 'drops restarts older than the window',
        history: [0, 1000, 2000],
        now: 6000,
        expected: { history: [2000, 6000], exceeded: false },
      },
      {
        name: 'drops a restart exactly maxSeconds old',
        history: [1000, 2000, 3000],
        now: 6000,
        expected: { history: [2000, 3000, 6000], exceeded: false },
      },
      {
        name: 'keeps a restart just inside the window',
        history: [1001, 2000, 3000],
        now: 6000,
        expected: { history: [1001, 2000, 3000, 6000], exceeded: true },
      },
      {
        name: 'starts a clean slate after a long quiet spell',
        history: [0, 1, 2],
        now: 60_000,
        expected: { history: [60_000], exceeded: false },
      },
    ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(recordRestart(c.history, c.now, policy), c.expected);
    });
  }

  it('fails the first restart when maxRestarts is 0', () => {
    assert.deepEqual(recordRestart([], 0, { maxRestarts: 0, maxSeconds: 5 }), { history: [0], exceeded: true });
  });

  it('never mutates the history it is given', () => {
    const history = Object.freeze([0, 1000]);
    recordRestart(history, 2000, policy);
    assert.deepEqual(history, [0, 1000]);
  });

  it('defaults to 3 restarts in 5 seconds', () => {
    assert.deepEqual(DEFAULT_RESTART_INTENSITY, { maxRestarts: 3, maxSeconds: 5 });
  });
});
