// Types of the oxc-parser 0.159 subpaths oxc-parse.ts uses for raw transfer. The package exports these files
// (see its package.json `exports`) but ships no declarations for them; the signatures are those its own
// src-js/raw-transfer/common.js and eager.js call.

declare module 'oxc-parser/src-js/bindings' {
  /** Offset within `array` of its first byte aligned on 4 GiB (where the parser's 2 GiB block must start). */
  export function getBufferOffset(array: Uint8Array): number;
  /** Parses the UTF-8 source stored in `block` at `sourceStart` and writes the tree into `block`. */
  export function parseRawSync(filename: string, block: Uint8Array, sourceStart: number, sourceByteLength: number, options: object): void;
}

declare module 'oxc-parser/src-js/generated/constants' {
  /** Size of the block handed to the parser (2 GiB less 16 bytes). */
  export const BLOCK_SIZE: number;
  /** Alignment the block needs (4 GiB). */
  export const BLOCK_ALIGN: number;
  /** Part of the block JavaScript may view (metadata excluded). */
  export const BUFFER_SIZE: number;
  /** Part of the buffer holding the source and the tree; the source goes at its end. */
  export const ACTIVE_SIZE: number;
  /** Byte set to 1 by the parser when it wrote a TypeScript-shaped tree. */
  export const IS_TS_FLAG_POS: number;
}

declare module 'oxc-parser/src-js/generated/deserialize/js' {
  /** Decodes the plain JavaScript tree (`astType: 'js'`, no `range`) the parser wrote into `buffer`. */
  export function deserialize(
    buffer: Uint8Array,
    sourceText: string,
    sourceStart: number,
    sourceByteLength: number,
  ): { program: unknown; comments: unknown; module: unknown; errors: unknown };
}
