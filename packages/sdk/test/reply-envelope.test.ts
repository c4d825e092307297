// The reply envelope decoder: success bodies lose their `ok` flag, error bodies become SoloErrors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SoloError } from '@solo/protocol';
import { unwrapReply, unwrapValidateReply, withCorrelationId } from '../src/reply-envelope.ts';

describe('unwrapReply', () => {
  it('returns the reply body without its ok flag', () => {
    assert.deepEqual(unwrapReply('{"ok":true,"seq":7}'), { seq: 7 });
  });

  it('throws the wire error as a SoloError with its code, message and details', () => {
    const text = JSON.stringify({
      ok: false,
      error: { code: 'compile_error', message: 'bad', details: { line: 3, column: 4 } },
    });
    assert.throws(() => unwrapReply(text), {
      name: 'SoloError',
      code: 'compile_error',
      message: 'bad',
      details: { line: 3, column: 4 },
    });
  });

  it('maps an error with an unknown code to internal', () => {
    assert.throws(() => unwrapReply('{"ok":false,"error":{"code":"boom","message":"x"}}'), { code: 'internal' });
  });

  for (const [name, text] of [
    ['text that is not JSON', 'hello'],
    ['an empty body', ''],
    ['JSON without ok', '{"seq":1}'],
    ['a JSON array', '[1]'],
  ] as const) {
    it(`maps ${name} to internal`, () => {
      assert.throws(() => unwrapReply(text), { code: 'internal' });
    });
  }
});

describe('withCorrelationId', () => {
  it('adds the correlation id to the details', () => {
    const err = withCorrelationId(new SoloError('timeout', 'late', { details: { timeout_ms: 5 } }), 'c-1');
    assert.deepEqual((err as SoloError).details, { timeout_ms: 5, correlation_id: 'c-1' });
  });

  it('keeps a correlation id the node already sent', () => {
    const err = withCorrelationId(new SoloError('not_found', 'gone', { details: { correlation_id: 'node' } }), 'c-1');
    assert.equal((err as SoloError).details?.['correlation_id'], 'node');
  });
});

describe('unwrapValidateReply', () => {
  const finding = { rule: 'no-eval', severity: 'error', message: 'eval', line: 1, column: 1, hint: 'remove it' };

  it('reads the findings of a reply whose verdict is invalid', () => {
    assert.deepEqual(unwrapValidateReply(JSON.stringify({ ok: true, valid: false, findings: [finding], duration_ms: 1 })).findings, [finding]);
  });

  it('reads an envelope with no findings', () => {
    assert.deepEqual(unwrapValidateReply(JSON.stringify({ ok: true, valid: true, findings: [] })).findings, []);
  });

  it("throws the node's error when there is one", () => {
    assert.throws(() => unwrapValidateReply(JSON.stringify({ ok: false, error: { code: 'unauthorized', message: 'no token' } })), { code: 'unauthorized' });
  });

  it('throws internal for a reply without findings or not JSON', () => {
    assert.throws(() => unwrapValidateReply(JSON.stringify({ ok: true })), { code: 'internal' });
    assert.throws(() => unwrapValidateReply('nope'), { code: 'internal' });
  });
});
