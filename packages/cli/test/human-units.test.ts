// Byte counts and durations as people read them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration } from '../src/human-units.ts';

describe('formatBytes', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [12 * 1024 * 1024 + 300_000, '12 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
    [-1, '-'],
  ];
  for (const [bytes, text] of cases) it(`writes ${bytes} as ${text}`, () => assert.equal(formatBytes(bytes), text));
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0ms'],
    [450, '450ms'],
    [42_000, '42s'],
    [312_000, '5m12s'],
    [11_100_000, '3h05m'],
    [190_000_000, '2d04h'],
    [Number.NaN, '-'],
  ];
  for (const [ms, text] of cases) it(`writes ${ms} ms as ${text}`, () => assert.equal(formatDuration(ms), text));
});
