// Framing of the host-call channel, a socket pair between the kernel's process and a sandbox host process:
// each frame is a 4-byte little-endian length and a V8-serialized value (which keeps `undefined` apart from
// null, unlike JSON). The sandbox host side reads synchronously; the kernel side decodes a stream.
import { readSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

const HEADER_BYTES = 4;

/** Encodes one frame. */
export function encodeFrame(value: unknown): Buffer {
  const body = serialize(value);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/**
 * Largest frame accepted from a sandbox host process. A reply is bounded by `max_reply_bytes` (8 MiB at most) and
 * a state by its isolate's heap; anything announcing more is a host that lost its mind (or its integrity), and
 * must not make the kernel's process buffer it.
 */
export const MAX_FRAME_BYTES = 512 * 1024 * 1024;

/** Splits a byte stream into frames and decodes them. */
export class FrameDecoder {
  #buffered: Buffer = Buffer.alloc(0);

  /**
   * Adds received bytes; returns the values of the frames they completed, in order.
   * @throws RangeError when a frame announces more than {@link MAX_FRAME_BYTES}.
   */
  push(chunk: Buffer): unknown[] {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const values: unknown[] = [];
    while (this.#buffered.length >= HEADER_BYTES) {
      const size = this.#buffered.readUInt32LE(0);
      if (size > MAX_FRAME_BYTES) throw new RangeError(`a frame of ${size} bytes announced, more than ${MAX_FRAME_BYTES}`);
      if (this.#buffered.length < HEADER_BYTES + size) break;
      values.push(deserialize(this.#buffered.subarray(HEADER_BYTES, HEADER_BYTES + size)));
      this.#buffered = this.#buffered.subarray(HEADER_BYTES + size);
    }
    return values;
  }
}

// A wait that blocks the thread without spinning, for a descriptor that unexpectedly is non-blocking.
const nap = new Int32Array(new SharedArrayBuffer(4));

function readFully(fd: number, into: Buffer): void {
  let offset = 0;
  while (offset < into.length) {
    let n: number;
    try {
      n = readSync(fd, into, offset, into.length - offset, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(nap, 0, 0, 1);
      continue;
    }
    if (n === 0) throw new Error('the host-call channel was closed');
    offset += n;
  }
}

function writeFully(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(nap, 0, 0, 1);
    }
  }
}

/** Writes frames already encoded (one or more, concatenated) on `fd`, blocking until all is written. */
export function writeFramesSync(fd: number, frames: Buffer): void {
  writeFully(fd, frames);
}

/**
 * Sends `value` as a frame on `fd` (after `before`, frames that need no answer) and blocks until the answering
 * frame arrives. The blocking is the point: a ctx callback runs inside an isolate's synchronous crossing and must
 * return the kernel's answer.
 */
export function exchangeFrameSync(fd: number, value: unknown, before?: Buffer): unknown {
  const frame = encodeFrame(value);
  writeFully(fd, before === undefined || before.length === 0 ? frame : Buffer.concat([before, frame]));
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  readFully(fd, header);
  const body = Buffer.allocUnsafe(header.readUInt32LE(0));
  readFully(fd, body);
  return deserialize(body);
}
