// What a hostile service runs inside its isolate once it got hold of something (a Function constructor, a
// value from ctx, a stack frame): it looks for host objects and reports what it found as JSON, and the suite
// asserts that it found nothing. The probe must itself pass the static analysis, so it only calls what it is given.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';

/** The global object of a service's isolate: ECMAScript built-ins and V8's own `console`, nothing of Node. */
export const ISOLATE_GLOBALS: readonly string[] = [
  'Object',
  'Function',
  'Array',
  'Number',
  'parseFloat',
  'parseInt',
  'Infinity',
  'NaN',
  'undefined',
  'Boolean',
  'String',
  'Symbol',
  'Date',
  'Promise',
  'RegExp',
  'Error',
  'AggregateError',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'globalThis',
  'JSON',
  'Math',
  'Intl',
  'ArrayBuffer',
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'Uint8ClampedArray',
  'BigUint64Array',
  'BigInt64Array',
  'DataView',
  'Map',
  'BigInt',
  'Set',
  'WeakMap',
  'WeakSet',
  'Proxy',
  'Reflect',
  'FinalizationRegistry',
  'WeakRef',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'unescape',
  'eval',
  'isFinite',
  'isNaN',
  'console',
  'SharedArrayBuffer',
  'Atomics',
  'WebAssembly',
];

/** Names a host (Node, a browser, isolated-vm's own glue, the runtime's callbacks) would add to a global scope. */
export const HOST_NAMES: readonly string[] = [
  'process',
  'require',
  'module',
  'exports',
  'Buffer',
  'global',
  '__dirname',
  '__filename',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'queueMicrotask',
  'structuredClone',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'navigator',
  'performance',
  'TextEncoder',
  'TextDecoder',
  'ivm',
  '_ivm',
  '$0',
  '$1',
  '$12',
  'hostLog',
  'hostCall',
  'hostCast',
  'hostSecret',
  'hostSettle',
  'Deno',
  'Bun',
];

/**
 * JavaScript that defines, inside a service module:
 * - `isForeign(v)`: true for an object or function whose prototype chain does not reach this realm's
 *   `Object.prototype` (an object of another realm: the host's), or a function that is not this realm's;
 * - `probeWith(F, label)`: given a Function constructor the service reached (plain or async), evaluates code with
 *   it and lists every host name and every non-standard global it can see. Resolves to
 *   `{ reached: label, found: string[], process: 'ReferenceError' | … }`.
 */
export const PROBE_JS = String.raw`
const ISOLATE_GLOBALS = new Set(${JSON.stringify(ISOLATE_GLOBALS)});
const HOST_NAMES = ${JSON.stringify(HOST_NAMES)};
const OWN_OBJECT_PROTO = Object.getPrototypeOf({});
const OWN_FUNCTION_PROTO = Object.getPrototypeOf(function () {});
function isForeign(v) {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  if (typeof v === 'function' && !(v instanceof Object)) return true;
  let p = Object.getPrototypeOf(v);
  for (let i = 0; p !== null && i < 64; i++) {
    if (p === OWN_OBJECT_PROTO || p === OWN_FUNCTION_PROTO) return false;
    p = Object.getPrototypeOf(p);
  }
  // A chain that ends without this realm's Object.prototype: only Object.create(null) objects of this realm do that.
  return Object.getPrototypeOf(v) !== null;
}
async function probeWith(F, label) {
  if (typeof F !== 'function') return { reached: false, found: [], process: 'unreached' };
  const run = async (code) => await F(code)();
  const found = [];
  if (isForeign(F)) found.push(label + ' is an object of another realm');
  for (const n of HOST_NAMES) {
    let t;
    try { t = await run('return typeof ' + n); } catch (e) { t = 'threw ' + String(e); }
    if (t !== 'undefined') found.push(n + ': ' + t);
  }
  let g = null;
  try { g = await run('return this'); } catch (e) { found.push('reading the global object threw ' + String(e)); }
  if (g !== null && typeof g === 'object') {
    if (isForeign(g)) found.push('the global object belongs to another realm');
    for (const n of Object.getOwnPropertyNames(g)) if (!ISOLATE_GLOBALS.has(n)) found.push('global.' + n);
  }
  let proc;
  try { proc = 'reached a ' + typeof (await run('return process')); } catch (e) { proc = e instanceof ReferenceError ? 'ReferenceError' : 'threw ' + String(e); }
  return { reached: label, found, process: proc };
}
`;

/** Asserts a `probeWith` report: the attack reached a Function constructor, yet found no host object or name. */
export function assertFoundNothing(reply: Json): void {
  const r = (reply ?? {}) as { reached?: unknown; found?: unknown; process?: unknown };
  assert.ok(
    typeof r.reached === 'string' && r.reached.length > 0,
    `the attack did not run as written (nothing reached): ${JSON.stringify(reply)}`,
  );
  assert.deepEqual(r.found, [], `host objects reachable from the isolate: ${JSON.stringify(r.found)}`);
  assert.equal(r.process, 'ReferenceError', '`process` must not exist in the isolate');
}
