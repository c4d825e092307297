// Command-line values: every bad one is refused with invalid_request naming the flag.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseChoice, parseIntegerOption, parseJsonArgument, parsePageLimit } from '../src/argument-parsing.ts';

describe('parseJsonArgument', () => {
  it('parses any JSON value', () => {
    assert.deepEqual(parseJsonArgument('{"op":"inc"}', 'message'), { op: 'inc' });
    assert.equal(parseJsonArgument('"x"', 'message'), 'x');
    assert.equal(parseJsonArgument('null', 'message'), null);
  });
  it('refuses text that is not JSON with invalid_request', () => {
    assert.throws(() => parseJsonArgument('{op:inc}', 'message'), {
      code: 'invalid_request',
      details: { field: 'message' },
    });
  });
});

describe('parseIntegerOption', () => {
  it('returns undefined for an absent option and the number for a valid one', () => {
    assert.equal(parseIntegerOption(undefined, '--limit', 1), undefined);
    assert.equal(parseIntegerOption('10', '--limit', 1), 10);
    assert.equal(parseIntegerOption('0', '--offset', 0), 0);
  });
  for (const bad of ['0', '-3', '1.5', 'ten', '', '1e3', '99999999999999999999']) {
    it(`refuses --limit ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseIntegerOption(bad, '--limit', 1), {
        code: 'invalid_request',
        details: { field: '--limit' },
      });
    });
  }
});

describe('parseChoice', () => {
  it('accepts an allowed value and refuses another', () => {
    assert.equal(parseChoice('running', '--status', ['running', 'stopped']), 'running');
    assert.throws(() => parseChoice('walking', '--status', ['running', 'stopped']), { code: 'invalid_request' });
  });
});

describe('parsePageLimit', () => {
  it('refuses --limit together with --follow', () => {
    assert.equal(parsePageLimit('5', { follow: false }), 5);
    assert.equal(parsePageLimit(undefined, { follow: true }), undefined);
    assert.throws(() => parsePageLimit('5', { follow: true }), { code: 'invalid_request' });
  });
});
