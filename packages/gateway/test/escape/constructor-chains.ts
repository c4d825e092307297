// Reaching `process`/`require` through constructor chains, eval, imports and Error.prepareStackTrace: each
// written plainly (the static analysis refuses it at deploy, naming its rule) and obfuscated past the analysis
// (the isolate must then contain it: the service reaches its own Function constructor and finds no host object).
import { assertFoundNothing, PROBE_JS } from './isolate-probe.ts';
import type { EscapeCase } from './escape-case.ts';

/** A module whose handleCall returns `{ reply: await (expr), state }`, with the probe defined above it. */
function probing(body: string): string {
  return `${PROBE_JS}
const k = ['con', 'struc', 'tor'].join('');
export default {
  async handleCall(msg, state, ctx) {
    ${body}
  },
};
`;
}

/** The plain spellings: refused at deploy with the rule that catches them. */
export const PLAIN_CHAINS: readonly EscapeCase[] = [
  {
    name: 'plain-this-constructor',
    tries: "`this.constructor.constructor('return process')()` from a handler",
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { const p = this.constructor.constructor('return process')(); return { reply: p.pid, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-function-constructor' },
  },
  {
    name: 'plain-ctx-log-constructor',
    tries: "`ctx.log.constructor.constructor('return process')()`",
    defence: 'analysis',
    source: `export default { handleCall(msg, state, ctx) { const p = ctx.log.constructor.constructor('return process')(); return { reply: p.pid, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-function-constructor' },
  },
  {
    name: 'plain-async-function-ctor',
    tries: "`Object.getPrototypeOf(async function(){}).constructor('return process')`",
    defence: 'analysis',
    source: `export default { async handleCall(msg, state) { const AF = Object.getPrototypeOf(async function () {}).constructor; const p = await AF('return process')(); return { reply: p.pid, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-function-constructor' },
  },
  {
    name: 'plain-reflect-construct',
    tries: "`Reflect.construct(Function, ['return process'])()`",
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { const p = Reflect.construct(Function, ['return process'])(); return { reply: p.pid, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-function-constructor' },
  },
  {
    name: 'plain-prepare-stack-trace',
    tries: '`Error.prepareStackTrace = (e, frames) => frames.map((f) => f.getThis())`, the classic vm escape',
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { Error.prepareStackTrace = (e, frames) => frames.map((f) => typeof f.getThis()); return { reply: new Error('x').stack, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-proto-mutation' },
  },
  {
    name: 'plain-eval',
    tries: "`eval('process')` and `globalThis['ev' + 'al']`",
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { const e = globalThis['ev' + 'al']; return { reply: [typeof eval('process'), typeof e], state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-eval' },
  },
  {
    name: 'plain-process-global',
    tries: "`process.binding('fs')` and `globalThis.process`",
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { return { reply: typeof process.binding('fs') + typeof globalThis.process, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-host-globals' },
  },
  {
    name: 'plain-require',
    tries: "`require('child_process').execSync('id')`",
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { return { reply: String(require('child_process').execSync('id')), state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-import' },
  },
  {
    name: 'plain-dynamic-import',
    tries: "`await import('node:fs')` with a computed specifier",
    defence: 'analysis',
    source: `const m = 'node:' + 'fs'; export default { async handleCall(msg, state) { const fs = await import(m); return { reply: fs.readdirSync('/'), state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-import' },
  },
];

/** The same attacks spelled so the analysis cannot see them: the isolate must contain them. */
export const OBFUSCATED_CHAINS: readonly EscapeCase[] = [
  {
    name: 'obf-this-constructor',
    tries: "`this[k][k]` with k = 'constructor' built at run time, then `F('return process')()`",
    defence: 'isolate',
    source: probing(`return { reply: await probeWith(this[k][k], 'this.constructor.constructor'), state };`),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'reaches only its own realm: no host name, global or object',
      check: assertFoundNothing,
    },
  },
  {
    name: 'obf-ctx-log-constructor',
    tries: '`ctx.log[k][k]`: the Function constructor reached from the object ctx hands in',
    defence: 'isolate',
    source: probing(`return { reply: await probeWith(ctx.log[k][k], 'ctx.log.constructor.constructor'), state };`),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'reaches only its own realm: no host name, global or object',
      check: assertFoundNothing,
    },
  },
  {
    name: 'obf-ctx-call-constructor',
    tries: "`ctx.call[k]`: the constructor of a function ctx hands in (is it the host's Function?)",
    defence: 'isolate',
    source: probing(`return { reply: await probeWith(ctx.call[k], 'ctx.call.constructor'), state };`),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'reaches only its own realm: no host name, global or object',
      check: assertFoundNothing,
    },
  },
  {
    name: 'obf-async-function-ctor',
    tries: '`Reflect.getPrototypeOf(async function(){})[k]`: the AsyncFunction constructor',
    defence: 'isolate',
    source: probing(
      `return { reply: await probeWith(Reflect.getPrototypeOf(async function () {})[k], 'AsyncFunction'), state };`,
    ),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'reaches only its own realm: no host name, global or object',
      check: assertFoundNothing,
    },
  },
  {
    name: 'obf-reflect-construct',
    tries: '`Reflect.construct(Reflect.get(Reflect.getPrototypeOf(ctx.emit), k), [code])`',
    defence: 'isolate',
    source: probing(`
    const FunctionCtor = Reflect.get(Reflect.getPrototypeOf(ctx.emit), k);
    const F = (code) => Reflect.construct(FunctionCtor, [code]);
    return { reply: await probeWith(F, 'Reflect.construct'), state };`),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'reaches only its own realm: no host name, global or object',
      check: assertFoundNothing,
    },
  },
  {
    name: 'obf-indirect-eval',
    tries: "indirect eval of the global object's `['ev','al'].join('')`, reached through a built Function",
    defence: 'isolate',
    source: probing(`
    const g = this[k][k]('return this')();
    const ev = g[['ev', 'al'].join('')];
    const F = (code) => () => (0, ev)('(function () {' + code + '})()');
    return { reply: await probeWith(F, 'indirect eval'), state };`),
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'reaches only its own realm: no host name, global or object',
      check: assertFoundNothing,
    },
  },
  {
    name: 'obf-prepare-stack-trace',
    tries:
      'sets `Error.prepareStackTrace` via `Reflect.set([Error][0], …)` and reads every frame (runtime frames included) for a receiver or function of another realm',
    defence: 'isolate',
    source: `${PROBE_JS}
const E = [Error][0];
const frames = [];
Reflect.set(E, ['prepare', 'StackTrace'].join(''), (err, fs) => {
  for (const f of fs) frames.push({ file: String(f.getFileName()), fn: f.getFunction(), self: f.getThis() });
  return 'captured';
});
export default {
  handleCall(msg, state, ctx) {
    const hostile = { get boom() { const e = new E('from inside the runtime'); void e.stack; throw e; } };
    // Errors raised while the runtime serialises a ctx argument: its frames are on the stack.
    try { ctx.log.info('x', hostile); } catch (e) { void e.stack; }
    try { ctx.emit('x', hostile); } catch (e) { void e.stack; }
    try { ctx.setTimer(1, hostile); } catch (e) { void e.stack; }
    try { ctx.monitor(ctx.self.service); } catch (e) { void e.stack; }
    void new E('plain').stack;
    const found = [];
    for (const f of frames) {
      if (isForeign(f.fn)) found.push('function of another realm in ' + f.file);
      if (isForeign(f.self)) found.push('receiver of another realm in ' + f.file);
      if (typeof f.fn === 'function' && f.fn !== this.handleCall) found.push('a function handed out in ' + f.file);
    }
    return { reply: { reached: frames.length > 0 ? 'frames:' + frames.length : '', found, process: 'ReferenceError' }, state };
  },
};
`,
    drive: { kind: 'call', message: {} },
    outcome: {
      kind: 'reply',
      title: 'reaches only its own realm: no host name, global or object',
      check: assertFoundNothing,
    },
  },
];
