// The framing between the kernel's process and a sandbox host process: frames split across chunks and packed
// together decode in order; a frame announcing more than the limit, or bytes that are no V8-serialized value,
// throw (the kernel then kills that host process).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDecoder, MAX_FRAME_BYTES, encodeFrame } from '../src/process/host-call-frames.ts';

describe('host-call frames', () => {
  it('decodes frames packed together and split anywhere, keeping undefined apart from null', () => {
    const values = [{ t: 'reply', id: 1, value: undefined }, null, 'x'.repeat(70_000), [1, { a: [true] }]];
    const bytes = Buffer.concat(values.map((v) => encodeFrame(v)));
    for (const step of [1, 3, 7, 4096, bytes.length]) {
      const d = new FrameDecoder();
      const out: unknown[] = [];
      for (let i = 0; i < bytes.length; i += step) out.push(...d.push(bytes.subarray(i, i + step)));
      assert.deepEqual(out, values, `chunks of ${step}`);
    }
  });

  it('refuses a frame announced over the limit before buffering it, and garbage', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(MAX_FRAME_BYTES + 1, 0);
    assert.throws(() => new FrameDecoder().push(header), RangeError);
    const junk = Buffer.concat([Buffer.from([4, 0, 0, 0]), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    assert.throws(() => new FrameDecoder().push(junk));
  });
});
