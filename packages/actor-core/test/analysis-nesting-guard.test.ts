// Table tests of the nesting guard (the lexical pass that keeps deep sources away from oxc's native stack)
// and of the depth oracle that decides what the guard cannot clear.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consultDepthOracle } from '../src/analysis/depth-oracle.ts';
import { checkNesting } from '../src/analysis/nesting-guard.ts';

const LIMIT = 50;

function verdict(source: string): string {
  return checkNesting(source, LIMIT).kind;
}

describe('checkNesting', () => {
  it('clears ordinary code', () => {
    const table = [
      'export default { handleCall(m, s) { return { reply: m, state: s }; } };',
      'const a = (b + c) / 2; const d = a / b / c;',
      'if (x) /re/.test(s);',
      'for await (const x of xs) /re/.test(x);',
      'const s = "))))]]]]}}}}" + \'((((\' + `{{{{${a}}}}}`;',
      '/* )))) */ const a = 1; // ((((\nconst b = 2;',
      'const r = /[/(]{2,}/g.test(s) ? 1 : 2;',
      'label: for (;;) { break label; }',
      'x = a\n/b/g',
      '#!/usr/bin/env node\nconst a = 1;',
    ];
    for (const source of table) assert.equal(verdict(source), 'shallow', source);
  });

  it('counts every way of nesting, bracketed or not', () => {
    const n = LIMIT + 5;
    const table = [
      `x = ${'('.repeat(n)}1${')'.repeat(n)};`,
      `x = ${'['.repeat(n)}${']'.repeat(n)};`,
      `x = ${'{a:'.repeat(n)}1${'}'.repeat(n)};`,
      `x = ${'`${'.repeat(n)}1${'}`'.repeat(n)};`,
      `x = ${'!'.repeat(n)}1;`,
      `x = ${'- '.repeat(n)}1;`,
      `${'a='.repeat(n)}1;`,
      `x = ${'a?b:'.repeat(n)}c;`,
      `x = ${'()=>'.repeat(n)}1;`,
      `x = ${'new '.repeat(n)}A;`,
      `let x: ${'A<'.repeat(n)}B${'>'.repeat(n)};`,
      `${'if(a)'.repeat(n)};`,
      `if (a) b(); ${'else if (a) b();'.repeat(n)}`,
      `${Array.from({ length: n }, (_, i) => `l${i}: `).join('')};`,
    ];
    for (const source of table) assert.equal(verdict(source), 'deep', source.slice(0, 30));
  });

  it('forgets expression openers at the end of each expression, and brackets when they close', () => {
    const many = Array.from({ length: 3 * LIMIT }, (_, i) => `const v${i} = !a ? -b : c;`).join('\n');
    assert.equal(verdict(many), 'shallow');
    assert.equal(verdict(`f(${Array.from({ length: 3 * LIMIT }, () => '!a').join(', ')});`), 'shallow');
    assert.equal(verdict(`${'[1], '.repeat(3 * LIMIT)}`), 'shallow');
  });

  it('is unsure where a `/` could divide or start a regular expression, and on unterminated tokens', () => {
    const table = ['function f() {} /re/.test(s);', 'a > /x/.test(b);', 'x! / 2;', 'for (const x of /a/g.exec(s)) {}', 'x++ / 2;', '"open', '`open', '/* open', '/open', ')', 'f(];'];
    for (const source of table) assert.equal(verdict(source), 'unsure', source);
  });
});

describe('consultDepthOracle', () => {
  it('measures the real depth of what the guard could not clear', () => {
    assert.deepEqual(consultDepthOracle('function f() {} /re/.test("x");', { typescript: true }), { kind: 'ok' });
    assert.equal(consultDepthOracle(`x = ${'('.repeat(200)}1${')'.repeat(200)};`, { typescript: true, limit: 100 }).kind, 'deep');
    assert.equal(consultDepthOracle(`x = ${'('.repeat(200_000)}1${')'.repeat(200_000)};`, { typescript: true }).kind, 'deep');
  });

  it('reports syntax errors with their offset', () => {
    const v = consultDepthOracle('const a = ;', { typescript: false });
    assert.equal(v.kind, 'syntax');
    assert.equal(v.kind === 'syntax' ? v.index : -1, 10);
  });
});
