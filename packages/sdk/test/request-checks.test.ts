// Client-side request validation: bad ids and oversized sources are refused before anything is sent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SOURCE_BYTES } from '@solo/protocol';
import { checkCodeRequest, checkDeployRequest, checkKillRequest, checkServiceFilter, checkServiceId } from '../src/request-checks.ts';

describe('request checks', () => {
  for (const id of ['', 'Counter', 'a.b', 'a b', '-lead', 'x'.repeat(64), '*', '>']) {
    it(`rejects service id ${JSON.stringify(id)} with invalid_request`, () => {
      assert.throws(() => checkServiceId(id), { code: 'invalid_request' });
      assert.throws(() => checkDeployRequest({ service_id: id, source: 'export default {}' }), {
        code: 'invalid_request',
      });
      assert.throws(() => checkKillRequest({ service_id: id }), { code: 'invalid_request' });
      assert.throws(() => checkServiceFilter({ service_id: id }), { code: 'invalid_request' });
    });
  }

  it('accepts well-formed ids and an absent filter', () => {
    assert.equal(checkServiceId('my-counter_2'), 'my-counter_2');
    assert.deepEqual(checkServiceFilter({ limit: 5 }), { limit: 5 });
  });

  it('rejects a source over MAX_SOURCE_BYTES with limit_exceeded', () => {
    assert.throws(() => checkDeployRequest({ service_id: 'big', source: 'x'.repeat(MAX_SOURCE_BYTES + 1) }), {
      code: 'limit_exceeded',
    });
  });

  it('rejects a deploy without source and a kill with a bad timeout', () => {
    assert.throws(() => checkDeployRequest(JSON.parse('{"service_id":"a"}')), { code: 'invalid_request' });
    assert.throws(() => checkKillRequest({ service_id: 'a', timeout_ms: -1 }), { code: 'invalid_request' });
  });

  it('checks a swap or replace like a deploy: id, source and its size', () => {
    const req = { service_id: 'a', source: 'export default {}', rollback_window_ms: 0 };
    assert.equal(checkCodeRequest(req), req);
    assert.throws(() => checkCodeRequest({ service_id: 'A', source: 'x' }), { code: 'invalid_request' });
    assert.throws(() => checkCodeRequest(JSON.parse('{"service_id":"a"}')), { code: 'invalid_request' });
    assert.throws(() => checkCodeRequest({ service_id: 'a', source: 'x'.repeat(MAX_SOURCE_BYTES + 1) }), { code: 'limit_exceeded' });
  });
});
