// Memory bombs and oversize replies in a 16 MiB isolate: heap growth, string doubling, ArrayBuffer chains, a
// 100 MB reply, and the off-heap allocations an isolate's heap limit may not see (resizable and growable
// buffers, WebAssembly memories — the runtime removes those from every isolate, so reaching for them throws).
// Each must crash the service (or be refused) while the node's RSS stays bounded; a reply within memory but over `max_reply_bytes` is refused with `limit_exceeded`.
import type { EscapeCase } from './escape-case.ts';

const MIB = 1024 * 1024;

/**
 * A module that keeps what `allocate()` returns in a module-level array, one 32 MiB allocation per call, touching
 * one byte per page so the memory is really resident; replies with how many it holds.
 */
function holding(allocate: string, prelude = ''): string {
  return `${prelude}
const held = [];
export default {
  handleCall(msg, state) {
    const bytes = new Uint8Array(${allocate});
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    held.push(bytes);
    return { reply: { held: held.length, mib: held.length * 32 }, state };
  },
};`;
}

export const MEMORY_BOMBS: readonly EscapeCase[] = [
  {
    name: 'array-growth',
    tries: 'pushes objects into an array forever',
    defence: 'limit',
    source: `export default { handleCall(msg, state) { const a = []; for (let i = 0; ; i++) a.push({ i, s: 'item' + i }); } };`,
    limits: { cpu_ms: 2000, wall_ms: 4000 },
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['memory_limit'], limit: 'memory_mb' },
  },
  {
    name: 'string-doubling',
    tries: '`s = s + s` forever, flattening the string each round (`s.slice(1) + c`)',
    defence: 'limit',
    source: `export default { handleCall(msg, state) { let s = 'x'; for (;;) { s = s + s; s = s.slice(1) + 'y'; } } };`,
    limits: { cpu_ms: 2000, wall_ms: 4000 },
    // Three tries: how V8 fails this allocation varies from run to run, and every try must be contained.
    supervision: { max_restarts: 10, max_seconds: 60 },
    openHole: {
      sandboxes: ['isolate'],
      why: 'isolated-vm 5 cannot contain this V8 fatal out-of-memory: with --sandbox isolate it aborts the whole node (the default, sandbox host processes, contains it)',
    },
    drive: { kind: 'call', message: {}, upTo: 3, through: ['service_crashed'] },
    outcome: {
      kind: 'error',
      code: 'service_crashed',
      reasons: ['memory_limit', 'throw', 'sandbox_died'],
      errorMatch: /memory|RangeError/,
    },
  },
  {
    name: 'arraybuffer-chain',
    tries: 'keeps 1 MiB ArrayBuffers (touched) until allocation fails',
    defence: 'limit',
    source: `export default { handleCall(msg, state) { const a = []; for (;;) { const b = new Uint8Array(new ArrayBuffer(${MIB})); b.fill(1); a.push(b); } } };`,
    limits: { cpu_ms: 2000, wall_ms: 4000 },
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'error',
      code: 'service_crashed',
      reasons: ['memory_limit', 'throw'],
      errorMatch: /memory|Array buffer allocation failed/,
    },
  },
  {
    name: 'reply-100mb',
    tries: 'replies with a 100 MB string',
    defence: 'limit',
    source: `export default { handleCall(msg, state) { return { reply: 'x'.repeat(${100 * MIB}), state }; } };`,
    limits: { cpu_ms: 2000, wall_ms: 4000 },
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['memory_limit'], limit: 'memory_mb' },
  },
  {
    name: 'reply-over-max-reply-bytes',
    tries: 'replies with 8 MiB of JSON from a 64 MiB isolate (max_reply_bytes 1 MiB)',
    defence: 'limit',
    source: `export default { handleCall(msg, state) { return { reply: 'x'.repeat(${8 * MIB}), state: { replied: true } }; } };`,
    limits: { memory_mb: 64, cpu_ms: 2000, wall_ms: 4000 },
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'limit_exceeded', limit: 'max_reply_bytes' },
  },
  {
    name: 'resizable-arraybuffer',
    tries:
      '`new ArrayBuffer(0, { maxByteLength })` grown with `resize()`: 32 MiB per call, kept, up to 12 calls (384 MiB)',
    defence: 'isolate',
    source: holding(
      `(() => { const b = new ArrayBuffer(0, { maxByteLength: ${32 * MIB} }); b.resize(${32 * MIB}); return b; })()`,
    ),
    limits: { cpu_ms: 1000, wall_ms: 2000 },
    drive: { kind: 'call', message: {}, upTo: 12 },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['throw'] },
  },
  {
    name: 'growable-sharedarraybuffer',
    tries: '`new SharedArrayBuffer(0, { maxByteLength })` grown with `grow()`: 32 MiB per call, kept, up to 12 calls',
    defence: 'isolate',
    source: holding(
      `(() => { const b = new SharedArrayBuffer(0, { maxByteLength: ${32 * MIB} }); b.grow(${32 * MIB}); return b; })()`,
    ),
    limits: { cpu_ms: 1000, wall_ms: 2000 },
    drive: { kind: 'call', message: {}, upTo: 12 },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['throw'] },
  },
  {
    name: 'plain-wasm',
    tries: '`new WebAssembly.Memory({ initial: 512 })` written plainly',
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { const m = new WebAssembly.Memory({ initial: 512 }); return { reply: m.buffer.byteLength, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-wasm' },
  },
  {
    name: 'wasm-memory',
    tries:
      'reaches WebAssembly through a built Function and keeps a 32 MiB `WebAssembly.Memory` per call, up to 12 calls',
    defence: 'isolate',
    source: holding(
      `new W.Memory({ initial: 512 }).buffer`,
      `const k = ['con', 'structor'].join('');\nconst W = k[k][k]('return Web' + 'Assembly')();`,
    ),
    limits: { cpu_ms: 1000, wall_ms: 2000 },
    // The built Function runs at module evaluation: WebAssembly is not defined there, so the deploy fails.
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'service_crashed', reasons: ['throw'] },
  },
];
