import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonBytesOver } from '../src/admission/json-size.ts';

describe('jsonBytesOver', () => {
  it('settles small messages under the limit', () => {
    for (const v of [null, 1, true, 'hi', { op: 'get' }, [1, 2, 3], { a: { b: [{ c: 'd' }] } }]) assert.equal(jsonBytesOver(v, 1024), null, JSON.stringify(v));
  });
  it('returns the exact UTF-8 size of a message over the limit', () => {
    const v = { pad: 'é'.repeat(600) };
    assert.equal(jsonBytesOver(v, 1024), Buffer.byteLength(JSON.stringify(v), 'utf8'));
    assert.equal(jsonBytesOver('x'.repeat(100), 50), 102);
    assert.equal(jsonBytesOver(Array.from({ length: 100 }, () => 12345), 100), JSON.stringify(Array.from({ length: 100 }, () => 12345)).length);
  });
  it('counts exactly where the upper bound is not enough', () => {
    // 200 ASCII characters: the bound (6 bytes each) is over 1000, the real size (202) is not.
    assert.equal(jsonBytesOver('x'.repeat(200), 1000), null);
    assert.equal(jsonBytesOver({ k: 'x'.repeat(200) }, 210), null);
    assert.equal(jsonBytesOver({ k: 'x'.repeat(200) }, 200), 208);
  });
  it('handles values nested deeper than it walks', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.equal(jsonBytesOver(deep, 1024), null);
    assert.equal(jsonBytesOver(deep, 100), JSON.stringify(deep).length);
  });
});
