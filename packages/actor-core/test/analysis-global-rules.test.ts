// Tests of analyzeService's rules about shared objects: no-host-globals (Node's globals, the global object)
// and no-proto-mutation (prototypes and built-ins), with scoping: a local `process` is no Node global.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeService } from '../src/index.ts';

function found(source: string): string[] {
  return analyzeService(source, { filename: 'svc.ts' }).findings.map((f) => `${f.rule}:${f.severity}`);
}

function assertFlags(rule: string, sources: readonly string[]): void {
  for (const source of sources) {
    const report = analyzeService(source, { filename: 'svc.ts' });
    assert.ok(
      !report.ok && report.findings.some((f) => f.rule === rule && f.severity === 'error'),
      `expected a ${rule} error for: ${source}\ngot ${JSON.stringify(report.findings)}`,
    );
  }
}

function assertClean(sources: readonly string[]): void {
  for (const source of sources) assert.deepEqual(found(source), [], `expected no finding for: ${source}`);
}

describe('analyzeService: no-host-globals', () => {
  it("flags Node's globals, directly and through the global object", () => {
    assertFlags('no-host-globals', [
      'process.exit(1);',
      'const env = process.env;',
      'const r = require; r("fs");',
      'module.exports = {};',
      'exports.x = 1;',
      'const d = __dirname + __filename;',
      "const b = Buffer.from('x');",
      'global.x = 1;',
      'globalThis.process.exit(1);',
      "globalThis['pro' + 'cess'];",
      'const { process: p } = globalThis;',
      'export default { handleCall(m, s) { return { reply: process.pid, state: s }; } };',
    ]);
  });

  it('flags changes to the global object, however it is reached', () => {
    assertFlags('no-host-globals', [
      'globalThis.x = 1;',
      "globalThis['x'] = 1;",
      'globalThis.counter++;',
      'delete globalThis.x;',
      '[globalThis.a] = [1];',
      '({ a: globalThis.b } = { a: 1 });',
      "Object.defineProperty(globalThis, 'x', { value: 1 });",
      'Object.assign(globalThis, { x: 1 });',
      "Reflect.set(globalThis, 'x', 1);",
      'const g = globalThis; g.x = 1;',
      'const g = globalThis.globalThis; g.x = 1;',
      'let g; g = window; g.x = 1;',
      'globalThis = {};',
    ]);
  });

  it('flags handing the global object to other code', () => {
    assertFlags('no-host-globals', ['function f(o: object) { return o; } f(globalThis);', 'const list = [globalThis];', 'const g = globalThis; export default { g };']);
  });

  it('ignores locals, parameters and properties that share a global name', () => {
    assertClean([
      'const process = (x: number) => x * 2; process(1);',
      'function run(process: { step(): void }) { process.step(); }',
      'function f(Buffer: Uint8Array) { return Buffer.length; }',
      'const module = { name: "m" }; module.name;',
      'const o = { process: 1, require: 2, global: 3 }; o.process + o.require + o.global;',
      'export default { handleCall(m, s, ctx) { return { reply: ctx.self.service, state: s }; } };',
      'function f() { return process; var process = 1; }',
      'try { JSON.parse("x"); } catch (process) { String(process); }',
      'const m = globalThis.Math.max(1, 2); const t = typeof globalThis;',
      'class Job { process() { return 1; } } new Job().process();',
    ]);
  });

  it('does not take an ambient declaration or a block-scoped local for a shadow', () => {
    assertFlags('no-host-globals', ['declare const process: any;\nprocess.exit(1);', '{ const process = 1; }\nprocess.exit(1);', 'declare namespace NS { const process: number }\nprocess.exit(1);']);
  });

  it('only warns about typeof probes', () => {
    assert.deepEqual(found("const isNode = typeof process !== 'undefined' && typeof globalThis.require === 'function';"), ['no-host-globals:warning', 'no-host-globals:warning']);
  });
});

describe('analyzeService: no-proto-mutation', () => {
  it('flags writes to built-in prototypes and built-ins', () => {
    assertFlags('no-proto-mutation', [
      'Object.prototype.polluted = true;',
      "Array.prototype['map'] = function () { return []; };",
      'String.prototype.shout = function () { return "!"; };',
      'JSON.parse = (s: string) => s;',
      'Error.prepareStackTrace = (e: unknown) => e;',
      'delete Object.prototype.toString;',
      'Math.random = () => 4;',
      'const p = Array.prototype; p.x = 1;',
      'const { prototype: p } = Array; p.x = 1;',
      'Object.getPrototypeOf({}).x = 1;',
      '({}).constructor.prototype.x = 1;',
      'globalThis.Array.prototype.x = 1;',
      'Object = null as any;',
    ]);
  });

  it('flags writes through __proto__', () => {
    assertFlags('no-proto-mutation', ["const o: any = {}; o.__proto__.polluted = 1;", 'const o: any = {}; o.__proto__ = null;', "const o: any = {}; o['__proto__'] = {};", "const o: any = {}; o['__pro' + 'to__'].x = 1;"]);
  });

  it('flags defineProperty, setPrototypeOf and friends on built-ins', () => {
    assertFlags('no-proto-mutation', [
      "Object.defineProperty(Object.prototype, 'x', { value: 1 });",
      'Object.setPrototypeOf(Array.prototype, null);',
      'Reflect.setPrototypeOf(Object.prototype, null);',
      'Object.assign(Array.prototype, { x: 1 });',
      "Reflect.defineProperty(JSON, 'x', { value: 1 });",
      "const dp = Object.defineProperty; dp(Object.prototype, 'x', {});",
      "const o: any = {}; Object.defineProperty(o.__proto__, 'x', {});",
    ]);
  });

  it('warns about reading __proto__ and about __proto__ in literals', () => {
    assert.deepEqual(found('const o: any = {}; const p = o.__proto__;'), ['no-proto-mutation:warning']);
    assert.deepEqual(found('const base = {}; const o = { __proto__: base };'), ['no-proto-mutation:warning']);
  });

  it('leaves user classes, own objects and prototype-less dictionaries alone', () => {
    assertClean([
      'class A {} (A.prototype as any).m = function () { return 1; };',
      'function F() {} F.prototype.x = 1;',
      'const o = {}; const proto = { greet() { return 1; } }; Object.setPrototypeOf(o, proto);',
      'const dict = { __proto__: null, a: 1 };',
      'const o = { prototype: 1 }; o.prototype = 2;',
      "const o: Record<string, number> = {}; Object.defineProperty(o, 'x', { value: 1 }); Object.assign(o, { y: 2 });",
      'const arr = [3, 1, 2]; arr.sort(); const copy = Array.from(arr); copy.push(4);',
      'const Array2 = { prototype: {} as Record<string, number> }; Array2.prototype.x = 1;',
    ]);
  });
});

describe('analyzeService: aliases', () => {
  it('follows chains of aliases in any order', () => {
    const names = Array.from({ length: 40 }, (_, i) => `a${i}`);
    // Assigned in reverse order inside a function called later: a39 ends up holding the global object.
    const chain = `let ${names.join(', ')};\nfunction wire() {\n${names.slice(1).reverse().map((n, i) => `  ${n} = a${38 - i};`).join('\n')}\n  a0 = globalThis;\n}\nwire(); a39.x = 1;`;
    const report = analyzeService(chain, { filename: 'svc.ts' });
    assert.ok(report.findings.some((f) => f.rule === 'no-host-globals' && f.line === chain.split('\n').length), JSON.stringify(report.findings));
  });
});
