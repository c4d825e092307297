// Runs oxc-parser on a source the nesting guard has cleared and hands its tree to JavaScript by one of two
// routes: raw transfer (the parser builds the tree in a buffer JavaScript decodes directly) or the parser's
// JSON string, JSON.parse'd (about four times slower on a 2,000-line service: most of the whole analysis).
// Called by safe-parse.ts only: never give this a source the guard has not cleared.

// oxc-parser ships the raw-transfer subpaths without declarations. Every program that compiles this file
// (other packages type-check it through @solo/actor-core) must see ours, which only a reference guarantees.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./oxc-raw-transfer.d.ts" />
import { parseSync, type OxcError, type ParserOptions } from 'oxc-parser';
import { getBufferOffset, parseRawSync } from 'oxc-parser/src-js/bindings';
import { ACTIVE_SIZE, BLOCK_ALIGN, BLOCK_SIZE, BUFFER_SIZE, IS_TS_FLAG_POS } from 'oxc-parser/src-js/generated/constants';
import { deserialize } from 'oxc-parser/src-js/generated/deserialize/js';
import type { AstNode } from './ast.ts';

/** How the tree reached JavaScript: `raw` transfer or `json`. */
export type OxcTransfer = 'raw' | 'json';

/** Which route to take: `auto` is raw transfer when the source and the process allow it, else JSON. */
export type OxcRoute = 'auto' | 'json';

/** What the parser produced, and the route it took. */
export interface OxcParse {
  readonly program: AstNode;
  readonly errors: readonly OxcError[];
  readonly transfer: OxcTransfer;
}

/**
 * Longest source (UTF-16 units) sent by raw transfer; longer ones take JSON. The block is 2 GiB, shared by
 * the source (3 bytes per unit reserved) and the parser's arena; 1 Mi units (4× the default size limit)
 * keeps the arena two orders of magnitude below what is left.
 */
export const RAW_TRANSFER_MAX_CHARS = 1024 * 1024;

/** The options both routes parse with, per language. */
const PARSER_OPTIONS: Readonly<Record<'ts' | 'js', ParserOptions>> = {
  ts: parserOptions('ts'),
  js: parserOptions('js'),
};

function parserOptions(lang: 'ts' | 'js'): ParserOptions {
  return {
    lang,
    sourceType: 'module',
    preserveParens: false,
    // Early errors of strict module code (`with`, redeclarations, `let eval`) cost next to nothing here.
    showSemanticErrors: true,
    // The plain JavaScript AST keeps every TypeScript node with run-time code and drops type annotations,
    // which halves the tree; type-only.ts reads the few flags it drops.
    astType: 'js',
  };
}

/** The raw-transfer buffer: a 2 GiB view starting on a 4 GiB boundary, with the views oxc's decoder reads. */
interface RawBuffer extends Uint8Array {
  int32: Int32Array;
  float64: Float64Array;
  block: Uint8Array;
}

/** undefined: not tried yet; null: this process cannot have it (the JSON route is taken). */
let rawBuffer: RawBuffer | null | undefined;
const encoder = new TextEncoder();

/**
 * The buffer, made on first use and kept for the life of the process, as oxc-parser keeps its own: 6 GiB of
 * address space, of which only the pages a parse writes (a few MiB for a typical service) take memory.
 * oxc-parser makes it only on Node >= 22, because Node 20 cannot view a typed array over 4 GiB; but
 * finding the 4 GiB boundary needs a view of 4 GiB only, and every view the parser and decoder use is
 * 2 GiB. Null when the allocation fails (a data or address-space limit, 32-bit), so the JSON route is taken.
 * V8 counts the buffer as external memory: making it costs one full garbage collection, once.
 */
function acquireRawBuffer(): RawBuffer | null {
  if (rawBuffer !== undefined) return rawBuffer;
  rawBuffer = null;
  let arrayBuffer: ArrayBuffer;
  try {
    arrayBuffer = new ArrayBuffer(BLOCK_SIZE + BLOCK_ALIGN);
  } catch (err) {
    // A RangeError ("Array buffer allocation failed") is the expected way to be refused; anything else is a bug.
    if (err instanceof RangeError) return null;
    throw err;
  }
  const offset = getBufferOffset(new Uint8Array(arrayBuffer, 0, Math.min(arrayBuffer.byteLength, BLOCK_ALIGN)));
  if (!Number.isInteger(offset) || offset < 0 || offset + BLOCK_SIZE > arrayBuffer.byteLength) return null;
  const buffer = new Uint8Array(arrayBuffer, offset, BUFFER_SIZE) as RawBuffer;
  buffer.int32 = new Int32Array(arrayBuffer, offset, BUFFER_SIZE / 4);
  buffer.float64 = new Float64Array(arrayBuffer, offset, BUFFER_SIZE / 8);
  buffer.block = new Uint8Array(arrayBuffer, offset, BLOCK_SIZE);
  rawBuffer = buffer;
  return buffer;
}

/** Raw transfer, or null when this source or process cannot take it (the caller takes JSON instead). */
function parseRaw(source: string, typescript: boolean): Omit<OxcParse, 'transfer'> | null {
  if (source.length > RAW_TRANSFER_MAX_CHARS) return null;
  const buffer = acquireRawBuffer();
  if (buffer === null) return null;
  // The source goes at the end of the active region, with room for 3 UTF-8 bytes per UTF-16 unit.
  const reserved = source.length * 3;
  const sourceStart = ACTIVE_SIZE - reserved;
  const { read, written } = encoder.encodeInto(source, new Uint8Array(buffer.buffer, buffer.byteOffset + sourceStart, reserved));
  if (read !== source.length) return null;
  parseRawSync(typescript ? 'service.ts' : 'service.js', buffer.block, sourceStart, written, PARSER_OPTIONS[typescript ? 'ts' : 'js']);
  // `astType: 'js'` makes a JavaScript-shaped tree; the TypeScript-shaped one needs another decoder.
  if (buffer[IS_TS_FLAG_POS] !== 0) return null;
  const data = deserialize(buffer, source, sourceStart, written);
  return { program: data.program as AstNode, errors: data.errors as OxcError[] };
}

function parseJson(source: string, typescript: boolean): OxcParse {
  const result = parseSync(typescript ? 'service.ts' : 'service.js', source, PARSER_OPTIONS[typescript ? 'ts' : 'js']);
  // Reading `program` deserializes the tree (JSON): the caller's try covers it, like the parse itself.
  return { program: result.program as unknown as AstNode, errors: result.errors, transfer: 'json' };
}

/**
 * Parses `source` (a module; TypeScript when `typescript`) with oxc-parser. Syntax errors are data in
 * `errors`; throws only when the parser cannot take the input at all. Both routes give the same findings
 * (test/analysis-oxc-parse.test.ts). `route`: only tests force `json`. @default 'auto'
 */
export function parseWithOxc(source: string, opts: { typescript: boolean; route?: OxcRoute }): OxcParse {
  if (opts.route !== 'json') {
    let raw: Omit<OxcParse, 'transfer'> | null;
    try {
      raw = parseRaw(source, opts.typescript);
    } catch {
      // Not swallowed: the JSON route parses the same source again, and throws in turn if it cannot take it
      // either; the two routes then fail alike.
      raw = null;
    }
    if (raw !== null) return { ...raw, transfer: 'raw' };
  }
  return parseJson(source, opts.typescript);
}
