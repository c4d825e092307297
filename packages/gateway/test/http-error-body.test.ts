// The one HTTP error answer: status from the code's one mapping, the wire body, and `Retry-After` (whole
// seconds, rounded up) when the error hints a delay, as `rate_limited`, `overloaded` and `unavailable` do.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SoloError } from '@solo/protocol';
import { httpError, retryAfterSeconds } from '../src/http/http-error-body.ts';

describe('httpError', () => {
  it('answers rate_limited with 429 and overloaded with 503, each with Retry-After in whole seconds', () => {
    const limited = httpError(new SoloError('rate_limited', 'slow down', { details: { retry_after_ms: 1500 } }), 'c1', 0);
    assert.deepEqual([limited.status, limited.headers], [429, { 'retry-after': '2' }]);
    assert.deepEqual(limited.body, { error: 'rate_limited', message: 'slow down', correlation_id: 'c1', timestamp: new Date(0).toISOString(), details: { retry_after_ms: 1500 } });
    const shed = httpError(new SoloError('overloaded', 'busy', { details: { retry_after_ms: 200 } }), 'c2');
    assert.deepEqual([shed.status, shed.headers], [503, { 'retry-after': '1' }]);
    const recovering = httpError(new SoloError('unavailable', 'recovering', { details: { retry_after_ms: 1000 } }), 'c3');
    assert.deepEqual([recovering.status, recovering.headers], [503, { 'retry-after': '1' }]);
  });

  it('sends no Retry-After without a usable hint, and hides unexpected errors as internal', () => {
    assert.deepEqual(httpError(new SoloError('overloaded', 'busy'), 'c').headers, {});
    assert.deepEqual(httpError(new SoloError('not_found', 'gone'), 'c').headers, {});
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5', null]) assert.equal(retryAfterSeconds({ retry_after_ms: bad }), undefined, String(bad));
    assert.equal(retryAfterSeconds({ retry_after_ms: 0 }), 1);
    const internal = httpError(new Error('secret stack'), 'c');
    assert.deepEqual([internal.status, internal.body.error, internal.headers], [500, 'internal', {}]);
    assert.ok(!internal.body.message.includes('secret stack'));
  });
});
