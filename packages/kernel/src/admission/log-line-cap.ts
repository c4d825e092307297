// The size cap of one `ctx.log` line (MAX_LOG_LINE_BYTES): a longer line is cut, never refused, because a log
// call must not fail. Pure. Sizes are those of the line as stored: the message and the data as JSON, in UTF-8.
import type { Json } from '@solo/protocol';
import { jsonBytesOver } from './json-size.ts';

/** Room kept for the marker that replaces the data of a cut line (`{"truncated":true,"original_bytes":…,"head":""}`). */
const MARKER_BYTES = 96;
/** Appended to a cut message. */
const ELLIPSIS = '…';

/** A log line after the cap; `truncated` when it was cut. */
export interface CappedLogLine {
  message: string;
  data: Json | undefined;
  truncated: boolean;
}

/**
 * Caps a log line at `maxBytes`: the JSON of `message` plus the JSON of `data`. A line within it is returned
 * as it is. A longer one keeps the start of its message (ending in `…`) and gets the data
 * `{ truncated: true, original_bytes, head }`, `head` being the start of the original data's JSON when room is
 * left after the message.
 */
export function capLogLine(message: string, data: Json | undefined, maxBytes: number): CappedLogLine {
  const messageBytes = jsonStringBytes(message, Number.POSITIVE_INFINITY).bytes;
  // Most lines are far under the cap: json-size settles their data with an upper bound, without serializing it.
  const fits = data === undefined ? messageBytes <= maxBytes : messageBytes < maxBytes && jsonBytesOver(data, maxBytes - messageBytes) === null;
  if (fits) return { message, data, truncated: false };
  const dataJson = data === undefined ? '' : (JSON.stringify(data) ?? 'null');
  const dataBytes = Buffer.byteLength(dataJson, 'utf8');

  const room = Math.max(0, maxBytes - MARKER_BYTES);
  const ellipsisBytes = Buffer.byteLength(ELLIPSIS, 'utf8');
  let kept = message;
  let keptBytes = messageBytes;
  if (messageBytes > room) {
    const cut = jsonStringBytes(message, Math.max(0, room - ellipsisBytes));
    kept = message.slice(0, cut.units) + ELLIPSIS;
    keptBytes = cut.bytes + ellipsisBytes;
  }
  const marker: { truncated: true; original_bytes: number; head?: string } = { truncated: true, original_bytes: messageBytes + dataBytes };
  const headRoom = room - keptBytes;
  if (dataJson !== '' && headRoom > 0) {
    const head = jsonStringBytes(dataJson, headRoom);
    if (head.units > 0) marker.head = dataJson.slice(0, head.units);
  }
  return { message: kept, data: marker, truncated: true };
}

/**
 * Walks `s` as the inside of a JSON string in UTF-8 (escapes counted as written) and returns how many UTF-16
 * units fit in `maxBytes`, never splitting a surrogate pair, and their bytes; the quotes are counted too.
 */
function jsonStringBytes(s: string, maxBytes: number): { units: number; bytes: number } {
  let bytes = 2;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    let units = 1;
    let size: number;
    if (c === 0x22 || c === 0x5c) size = 2;
    else if (c < 0x20) size = c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      size = 4;
      units = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) size = 6; // a lone surrogate: JSON.stringify writes it as \udxxx
    else size = 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += units;
  }
  return { units: i, bytes };
}
