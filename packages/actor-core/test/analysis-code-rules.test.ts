// Tests of analyzeService's code rules: no-eval, no-function-constructor, no-import and no-wasm, each with
// the evasions an attacker would try and the legitimate code that must stay clean.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeService } from '../src/index.ts';

/** `rule:severity@line:column` of every finding. */
function found(source: string, filename = 'svc.ts'): string[] {
  return analyzeService(source, { filename }).findings.map((f) => `${f.rule}:${f.severity}@${f.line}:${f.column}`);
}

/** Asserts that every source has at least one error of `rule`. */
function assertFlags(rule: string, sources: readonly string[], filename = 'svc.ts'): void {
  for (const source of sources) {
    const report = analyzeService(source, { filename });
    assert.equal(report.ok, false, `expected ${rule} for: ${source}`);
    assert.ok(
      report.findings.some((f) => f.rule === rule && f.severity === 'error'),
      `expected a ${rule} error for: ${source}\ngot ${JSON.stringify(report.findings)}`,
    );
  }
}

/** Asserts that no source has any finding at all. */
function assertClean(sources: readonly string[], filename = 'svc.ts'): void {
  for (const source of sources) assert.deepEqual(found(source, filename), [], `expected no finding for: ${source}`);
}

describe('analyzeService: no-eval', () => {
  it('flags eval in every spelling', () => {
    assertFlags('no-eval', [
      "eval('1 + 1');",
      "const e = eval; e('1');",
      "(0, eval)('1');",
      "globalThis.eval('1');",
      "window['ev' + 'al']('1');",
      'globalThis[`eval`]("1");',
      "self['eval']('1');",
      "const g = globalThis; g.eval('1');",
      "const g = globalThis; const h = g; h['e' + 'val']('1');",
      "const { eval: e } = globalThis; e('1');",
      "Reflect.apply(eval, null, ['1']);",
      "\\u0065val('1');",
      "globalThis.\\u0065val('1');",
      'eval`1`;',
      "eval?.('1');",
      'export default { handleCall(m, s) { return { reply: eval(String(m)), state: s }; } };',
    ]);
  });

  it('flags computed reads of the global object, which can spell eval at run time', () => {
    assertFlags('no-eval', ['const k = atob("ZXZhbA=="); globalThis[k]("1");', 'const o = Object.values(globalThis);', "Reflect.get(globalThis, 'eval');", 'Object.assign({}, globalThis);']);
  });

  it('flags ShadowRealm and timers given a string of code', () => {
    assertFlags('no-eval', ["new ShadowRealm().evaluate('1');", "setTimeout('doIt()', 10);", 'setInterval(`tick()`, 10);', "globalThis.setTimeout('x' + y, 1);"]);
  });

  it('leaves strings, methods and properties named eval alone', () => {
    assertClean([
      "const s = 'never use eval(x)'; export default { handleCall(m, s2) { return { reply: s, state: s2 }; } };",
      'const calc = { eval(x: number) { return x * 2; } }; calc.eval(2);',
      'class Expr { eval() { return 1; } } new Expr().eval();',
      'const evaluate = (x: number) => x; evaluate(1);',
      'setTimeout(() => undefined, 10);',
      'const m = globalThis.Math; m.max(1, 2);',
      '// eval("x") in a comment\nconst x = 1;',
    ]);
  });
});

describe('analyzeService: no-function-constructor', () => {
  it('flags the Function constructor and its aliases', () => {
    assertFlags('no-function-constructor', [
      "Function('return this')();",
      "new Function('a', 'return a');",
      'const F = Function; F("x");',
      "globalThis.Function('x');",
      "globalThis['Func' + 'tion']('x');",
    ]);
  });

  it('flags .constructor chains that reach Function', () => {
    assertFlags('no-function-constructor', [
      "(() => {}).constructor('return process')();",
      "const f = () => 1; f.constructor('code')();",
      "const x = {}; x.constructor.constructor('return this')();",
      "const f = () => 1; f['constructor']('code');",
      'const f = () => 1; f[`constr${"uctor"}`]("code");',
      "const f = () => 1; const c = f.constructor; c('code');",
      'const { constructor } = () => 1;',
      'const { constructor: { constructor: F } } = {};',
      "Reflect.get(() => 1, 'constructor');",
      'const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;',
      'class A { clone() { return new (this.constructor as any)(); } }',
    ]);
  });

  it('allows reading constructor names, comparing constructors and constructor members of literals and classes', () => {
    assertClean([
      'function isFn(x: unknown) { return x instanceof Function; }',
      'function isPlain(x: object) { return x.constructor === Object || x.constructor.name === "Object"; }',
      'const o = { constructor: 1, other: 2 }; o.other;',
      'class A { constructor(readonly n: number) {} } new A(1);',
      'function P() {} P.prototype.constructor = P;',
      'const t = (x: object) => typeof x.constructor;',
      'let f: Function | null = null; f = null;',
      'function kind(x: object) { switch (x.constructor) { case Object: return 1; default: return 2; } }',
      'function has(x: object) { if (x.constructor) return true; return false; }',
    ]);
  });
});

describe('analyzeService: no-import', () => {
  it('flags static, dynamic and re-export imports, require and import = require', () => {
    assertFlags('no-import', [
      "import fs from 'node:fs';\nexport default { handleCall(m, s) { return { reply: fs.readFileSync('x'), state: s }; } };",
      "import 'side-effect';",
      "export * from './other';",
      "export { a } from './other';",
      "export * as ns from './other';",
      "const m = await import('x');",
      'const m = await import(String(Date.now()));',
      "const fs = require('fs');",
      "import fs = require('fs');",
      "import { value } from './x';\nexport default { v: value };",
    ]);
  });

  it('flags every value import in JavaScript, used or not', () => {
    assertFlags('no-import', ["import x from 'y';\nexport default {};"], 'svc.js');
  });

  it('allows type-only imports and imports TypeScript erases', () => {
    assertClean([
      "import type { ServiceDefinition } from '@solo/sdk';\nexport default {} satisfies ServiceDefinition;",
      "import { type Json } from '@solo/sdk';\nconst x: Json = 1;",
      "import { Json } from '@solo/sdk';\nconst x: Json = 1;",
      "export type { Json } from '@solo/sdk';",
      "export type * from '@solo/sdk';",
      "import type X from 'x';\nlet y: X | null = null;",
      'const s = "import(\'x\')"; // import("y")',
      'function require(name: string) { return name; } require("a");',
    ]);
  });

  it('warns about import.meta', () => {
    assert.deepEqual(found('const u = import.meta.url;'), ['no-import:warning@1:11']);
  });

  it('locates the import', () => {
    const [finding] = analyzeService("const a = 1;\n  import('x');", { filename: 'svc.ts' }).findings;
    assert.deepEqual({ ...finding, hint: undefined }, { rule: 'no-import', severity: 'error', message: "dynamic import() of 'x' is not allowed.", line: 2, column: 3, hint: undefined });
    assert.match(finding?.hint ?? '', /ctx\.call/);
  });
});

describe('analyzeService: no-wasm', () => {
  it('flags WebAssembly anywhere', () => {
    assertFlags('no-wasm', [
      'WebAssembly.compile(new Uint8Array(8));',
      'const m = new WebAssembly.Memory({ initial: 1 });',
      'globalThis.WebAssembly.instantiate(bytes);',
      "globalThis['Web' + 'Assembly'];",
      'const W = WebAssembly;',
      'const ok = typeof WebAssembly;',
    ]);
  });

  it('leaves the word alone in strings and types', () => {
    assertClean(["const s = 'WebAssembly is not deployed';", 'let m: WebAssembly.Module | null = null;']);
  });
});
