import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidId, parseServiceId, parseTenantId } from '@solo/protocol';

describe('ids', () => {
  it('accepts ids of the documented shape', () => {
    for (const ok of ['a', 'acme', 'my-counter', 'x_1', '0', 'a'.repeat(63)]) {
      assert.equal(parseServiceId(ok), ok);
      assert.equal(parseTenantId(ok), ok);
    }
  });
  it('refuses everything else with invalid_request, quoting the value', () => {
    for (const bad of ['', 'a.b', '*', '>', 'A', '-x', '_x', 'a b', 'ünï', 'a'.repeat(64), 'x'.repeat(300)]) {
      assert.equal(isValidId(bad), false, bad);
      assert.throws(() => parseServiceId(bad), { code: 'invalid_request' });
      assert.throws(() => parseTenantId(bad), { code: 'invalid_request' });
    }
    for (const bad of [null, undefined, 42, {}, ['a']]) {
      assert.throws(() => parseServiceId(bad), { code: 'invalid_request' });
    }
    assert.throws(() => parseServiceId('a.b'), /'a\.b'/);
    assert.throws(() => parseServiceId('x'.repeat(300)), /300 characters/);
  });
});
