// The text form of discovery tags and filters: `k=v` pairs separated by commas.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTagText } from '@solo/protocol';

describe('tag-filter', () => {
  it('parses pairs from one or several texts, a later key winning', () => {
    assert.deepEqual(parseTagText('role=api,env=prod'), { role: 'api', env: 'prod' });
    assert.deepEqual(parseTagText(['role=api', 'env=dev,role=db']), { role: 'db', env: 'dev' });
    assert.deepEqual(parseTagText(''), {});
    assert.deepEqual(parseTagText('empty='), { empty: '' });
  });

  it('rejects a pair without = or with a bad key as invalid_request naming the field', () => {
    for (const text of ['novalue', '=x', 'bad key=v', `k=${'x'.repeat(257)}`]) {
      assert.throws(() => parseTagText(text, '--tag'), (err: { code?: string; message?: string }) => err.code === 'invalid_request' && /--tag/.test(err.message ?? ''), text);
    }
  });
});
