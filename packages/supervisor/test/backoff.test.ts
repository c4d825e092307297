import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvedBackoffPolicy } from '../src/index.ts';
import { DEFAULT_BACKOFF, computeBackoffMs } from '../src/index.ts';

const policy: ResolvedBackoffPolicy = { initialMs: 100, multiplier: 2, maxMs: 5000, jitter: 0.2 };
const middle = (): number => 0.5;

describe('computeBackoffMs', () => {
  it('grows exponentially from initialMs and stops at maxMs (random 0.5 = no jitter)', () => {
    const seq = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => computeBackoffMs(n, policy, middle));
    assert.deepEqual(seq, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  const jitterCases: { name: string; random: number; attempt: number; expected: number }[] = [
    { name: 'lowest draw takes 20% off', random: 0, attempt: 3, expected: 320 },
    { name: 'highest draw adds almost 20%', random: 0.999999, attempt: 3, expected: 480 },
    { name: 'quarter draw takes 10% off', random: 0.25, attempt: 2, expected: 180 },
    { name: 'never exceeds maxMs at the cap', random: 0.999999, attempt: 10, expected: 5000 },
    { name: 'spreads below the cap', random: 0, attempt: 10, expected: 4000 },
    { name: 'clamps a random source outside [0, 1)', random: 7, attempt: 1, expected: 120 },
  ];
  for (const c of jitterCases) {
    it(`jitters: ${c.name}`, () => {
      assert.equal(
        computeBackoffMs(c.attempt, policy, () => c.random),
        c.expected,
      );
    });
  }

  it('stays within ±jitter of the exponential value for any draw', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const base = Math.min(policy.initialMs * 2 ** (attempt - 1), policy.maxMs);
      for (let i = 0; i <= 100; i++) {
        const ms = computeBackoffMs(attempt, policy, () => i / 101);
        assert.ok(
          ms >= Math.floor(base * 0.8) && ms <= Math.min(Math.ceil(base * 1.2), policy.maxMs),
          `attempt ${attempt} draw ${i}: ${ms}`,
        );
      }
    }
  });

  it('draws the random source exactly once', () => {
    let draws = 0;
    computeBackoffMs(2, policy, () => {
      draws++;
      return 0.3;
    });
    assert.equal(draws, 1);
  });

  it('is 0 for every attempt under the defaults (initialMs 0: immediate restarts)', () => {
    assert.deepEqual(DEFAULT_BACKOFF, { initialMs: 0, multiplier: 2, maxMs: 5000, jitter: 0.2 });
    assert.deepEqual(
      [1, 2, 5, 2000].map((n) => computeBackoffMs(n, DEFAULT_BACKOFF, () => 0.9)),
      [0, 0, 0, 0],
    );
  });

  it('caps huge attempts instead of overflowing', () => {
    assert.equal(computeBackoffMs(5000, policy, middle), 5000);
  });

  it('returns exact values without jitter', () => {
    const exact = { ...policy, jitter: 0, multiplier: 3 };
    assert.deepEqual(
      [1, 2, 3].map((n) => computeBackoffMs(n, exact, () => 0)),
      [100, 300, 900],
    );
  });
});
