// CPU and wall-clock bombs: loops, recursion, catastrophic regex backtracking, microtask loops that never yield,
// handlers that never settle, deadlocks, Atomics.wait, finalizer callbacks and a WebAssembly spin. Each must end
// in `service_crashed` with the limit that caught it; a crash loop must open the circuit breaker.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';
import type { EscapeCase } from './escape-case.ts';

/** `(module (func (export "f") (loop (br 0))))`: a WebAssembly function that never returns. */
const WASM_SPIN_BYTES = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 9, 1, 7, 0, 3, 64, 12, 0, 11,
  11,
];

const handler = (body: string, prelude = ''): string =>
  `${prelude}\nexport default { handleCall(msg, state, ctx) { ${body} } };`;
const asyncHandler = (body: string, prelude = ''): string =>
  `${prelude}\nexport default { async handleCall(msg, state, ctx) { ${body} } };`;

export const CPU_BOMBS: readonly EscapeCase[] = [
  {
    name: 'sync-infinite-loop',
    tries: '`for (;;) {}` in a handler',
    defence: 'limit',
    source: handler('for (;;) {}'),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
  },
  {
    name: 'deep-recursion',
    tries: 'unbounded recursion (stack overflow)',
    defence: 'isolate',
    source: handler('return { reply: r(0), state };', 'function r(n) { return r(n + 1) + 1; }'),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'error',
      code: 'service_crashed',
      reasons: ['throw'],
      errorMatch: /Maximum call stack size exceeded/,
    },
  },
  {
    name: 'recursion-swallowing-overflow',
    tries: 'recursion that catches each stack overflow and recurses again',
    defence: 'limit',
    source: handler(
      'return { reply: r(0), state };',
      'function r(n) { try { return r(n + 1) + 1; } catch (e) { return r(n + 1); } }',
    ),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
  },
  {
    name: 'regex-backtracking',
    tries: "catastrophic backtracking: `/(a+)+$/.test('a'.repeat(40) + '!')`",
    defence: 'limit',
    source: handler(`return { reply: /(a+)+$/.test('a'.repeat(40) + '!'), state };`),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
  },
  {
    name: 'microtask-loop',
    tries: '`for (;;) await null`: a promise loop that never yields to the host',
    defence: 'limit',
    source: asyncHandler('for (;;) await null;'),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
  },
  {
    name: 'detached-microtask-loop',
    tries: 'replies at once but leaves a detached `(async () => { for (;;) await null; })()` behind',
    defence: 'limit',
    source: handler('(async () => { for (;;) await null; })(); return { reply: "done", state };'),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
  },
  {
    name: 'never-settles',
    tries: 'returns a promise that never settles',
    defence: 'limit',
    source: handler('return new Promise(() => {});'),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['wall_limit'], limit: 'wall_ms' },
  },
  {
    name: 'spin-after-await',
    tries: 'awaits a ctx.call, then spins in the continuation (which runs in a later crossing)',
    defence: 'limit',
    source: asyncHandler(`await ctx.call(msg.helper, {}); for (;;) {}`),
    helpers: [
      {
        name: 'spin-after-await-echo',
        source: `export default { handleCall(msg, state) { return { reply: 1, state }; } };`,
      },
    ],
    drive: { kind: 'call', message: { helper: 'spin-after-await-echo' } },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
  },
  {
    name: 'self-call-deadlock',
    tries: 'ctx.call of itself from its own handler (one message at a time: a deadlock)',
    defence: 'limit',
    source: asyncHandler(`if (msg.op === 'noop') return { reply: 'inner', state };
      const inner = await ctx.call(ctx.self.service, { op: 'noop' }, { timeoutMs: 5000 }).then((r) => 'answered ' + r, (e) => e.code);
      return { reply: { inner }, state };`),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'contained',
      title: 'gets service_crashed (wall_limit), or its inner call overloaded',
      // The wall limit breaks the deadlock; under load the load shedder may refuse the inner call first instead.
      async check(_p, answer) {
        const error = answer['error'] as { code?: string; details?: { reason?: string } } | undefined;
        if (answer['ok'] === true) assert.deepEqual(answer['reply'], { inner: 'overloaded' }, JSON.stringify(answer));
        else
          assert.deepEqual(
            [error?.code, error?.details?.reason],
            ['service_crashed', 'wall_limit'],
            JSON.stringify(answer),
          );
      },
    },
  },
  {
    name: 'atomics-wait',
    tries: '`Atomics.wait` on a SharedArrayBuffer for 10 s: blocks the thread the isolate runs on',
    defence: 'isolate',
    source: handler('return { reply: Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000), state };'),
    drive: { kind: 'call', message: {} },
    // SharedArrayBuffer is not offered to services, so Atomics.wait has nothing to block on: it throws.
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['throw'] },
  },
  {
    name: 'finalizer-callback',
    tries:
      'FinalizationRegistry callbacks: V8 runs them as tasks of their own, which must never run outside a handler and its limits',
    defence: 'limit',
    source: handler(
      `inHandler = true;
      for (let i = 0; i < 1000; i++) registry.register({ i }, i);
      let junk = []; for (let i = 0; i < 20000; i++) junk.push({ i, s: 'x' + i }); junk = null;
      inHandler = false;
      return { reply: { outside }, state };`,
      `let inHandler = false, outside = 0;
const registry = new FinalizationRegistry(() => { if (!inHandler) outside++; });`,
    ),
    limits: { cpu_ms: 1000, wall_ms: 2000 },
    drive: { kind: 'call', message: {}, upTo: 3 },
    outcome: {
      kind: 'reply',
      title: 'never runs a finalizer callback outside a handler',
      check: (reply: Json) => assert.deepEqual(reply, { outside: 0 }, 'a finalizer callback ran outside every handler'),
    },
  },
  {
    name: 'wasm-spin',
    tries: 'reaches WebAssembly through a built Function (past the analysis) and runs a wasm loop that never returns',
    defence: 'isolate',
    source: handler(
      `const W = this[k][k]('return Web' + 'Assembly')();
      const instance = new W.Instance(new W.Module(new Uint8Array(${JSON.stringify(WASM_SPIN_BYTES)})));
      instance.exports.f();
      return { reply: 'returned', state };`,
      `const k = ['con', 'structor'].join('');`,
    ),
    drive: { kind: 'call', message: {} },
    // WebAssembly is not offered to services: the built Function finds nothing, and the handler throws.
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['throw'] },
  },
  {
    name: 'crash-loop',
    tries: 'throws on every call, restarted again and again (max_restarts 100), while callers keep calling',
    defence: 'limit',
    source: handler(`throw new Error('always');`),
    limits: { circuit_crashes: 3, circuit_window_ms: 60_000, circuit_cooldown_ms: 60_000 },
    supervision: { max_restarts: 100, max_seconds: 60 },
    drive: { kind: 'call', message: {}, upTo: 12, through: ['service_crashed'] },
    outcome: { kind: 'error', code: 'unavailable', circuit: true },
  },
];
