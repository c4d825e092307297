import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LOG_LINE_BYTES, type Json } from '@solo/protocol';
import { capLogLine } from '../src/admission/log-line-cap.ts';

/** The size the cap measures: the message and the data as JSON, in UTF-8 bytes. */
const lineBytes = (message: string, data: Json | undefined): number =>
  Buffer.byteLength(JSON.stringify(message), 'utf8') + (data === undefined ? 0 : Buffer.byteLength(JSON.stringify(data), 'utf8'));

describe('capLogLine', () => {
  it('returns a line within the cap as it is', () => {
    const data = { user: 'ada', n: 3 };
    assert.deepEqual(capLogLine('hello', data, 1024), { message: 'hello', data, truncated: false });
    assert.deepEqual(capLogLine('hello', undefined, 1024), { message: 'hello', data: undefined, truncated: false });
    // Exactly at the cap.
    const msg = 'x'.repeat(1022);
    assert.equal(capLogLine(msg, undefined, 1024).truncated, false);
    assert.equal(capLogLine(msg + 'x', undefined, 1024).truncated, true);
  });

  it('keeps the message and replaces big data by a marker with the head of its JSON', () => {
    const data = { blob: 'y'.repeat(256 * 1024) };
    const out = capLogLine('flood 1', data, MAX_LOG_LINE_BYTES);
    assert.equal(out.truncated, true);
    assert.equal(out.message, 'flood 1');
    const marker = out.data as { truncated: boolean; original_bytes: number; head: string };
    assert.equal(marker.truncated, true);
    assert.equal(marker.original_bytes, lineBytes('flood 1', data));
    assert.ok(JSON.stringify(data).startsWith(marker.head) && marker.head.length > 1000, marker.head.slice(0, 40));
    assert.ok(lineBytes(out.message, out.data) <= MAX_LOG_LINE_BYTES, String(lineBytes(out.message, out.data)));
  });

  it('cuts a huge message, ending it with an ellipsis, within the cap', () => {
    const out = capLogLine('m'.repeat(100_000), { small: true }, MAX_LOG_LINE_BYTES);
    assert.equal(out.truncated, true);
    assert.ok(out.message.endsWith('…') && out.message.startsWith('mmm'));
    assert.deepEqual(Object.keys(out.data as object).sort(), ['original_bytes', 'truncated']);
    assert.ok(lineBytes(out.message, out.data) <= MAX_LOG_LINE_BYTES);
  });

  it('counts escapes and multi-byte characters as stored, and never splits a surrogate pair', () => {
    for (const unit of ['"', '\\', '\n', '\u0001', 'é', '€', '😀', '\ud800']) {
      const message = unit.repeat(20_000);
      const out = capLogLine(message, { q: unit.repeat(5000) }, 4096);
      assert.equal(out.truncated, true, JSON.stringify(unit));
      assert.ok(lineBytes(out.message, out.data) <= 4096, `${JSON.stringify(unit)}: ${lineBytes(out.message, out.data)}`);
      const kept = out.message.slice(0, -1);
      if (unit === '😀') assert.equal(kept.length % 2, 0);
      assert.equal(kept, unit.repeat(kept.length / unit.length));
    }
  });

  it('counts data in UTF-8 bytes, not characters', () => {
    // 6000 two-byte characters: 6000 characters, 12000+ bytes.
    const data = 'é'.repeat(6000);
    assert.equal(capLogLine('', data, 10_000).truncated, true);
    assert.equal(capLogLine('', data, 13_000).truncated, false);
  });
});
