import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { READ_LIMIT, resolveReadWindow } from '../src/read-window.ts';

describe('resolveReadWindow', () => {
  it('applies the default limit and keeps valid bounds', () => {
    const since = new Date('2024-01-01T00:00:00Z');
    assert.deepEqual(resolveReadWindow({}), { sinceSeq: undefined, sinceTime: undefined, limit: READ_LIMIT.default });
    assert.deepEqual(resolveReadWindow({ sinceSeq: 0, sinceTime: since, limit: 1000 }), { sinceSeq: 0, sinceTime: since, limit: 1000 });
  });

  const bad: Array<[string, Parameters<typeof resolveReadWindow>[0], string]> = [
    ['a limit over 1000', { limit: 1001 }, 'limit'],
    ['a zero limit', { limit: 0 }, 'limit'],
    ['a fractional limit', { limit: 2.5 }, 'limit'],
    ['a negative seq', { sinceSeq: -1 }, 'since_seq'],
    ['a NaN seq', { sinceSeq: Number.NaN }, 'since_seq'],
    ['an invalid date', { sinceTime: new Date('x') }, 'since_time'],
    ['a non-date time', { sinceTime: '2024-01-01' as unknown as Date }, 'since_time'],
  ];
  for (const [what, window, field] of bad) {
    it(`rejects ${what} with invalid_request`, () => {
      assert.throws(() => resolveReadWindow(window), (err: { code: string; details: { field: string } }) => err.code === 'invalid_request' && err.details.field === field);
    });
  }
});
