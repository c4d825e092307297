// Tests of analyzeService's limits and robustness: max-source-size, max-nesting (including sources nested
// deep enough to overflow a native parser's stack), parse-error, bad options, locations, and the repo's
// own services, which must pass with no error.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyzeService } from '../src/index.ts';

function rules(source: string, opts: { filename?: string; maxSourceBytes?: number; maxDepth?: number } = {}): string[] {
  return analyzeService(source, { filename: 'svc.ts', ...opts }).findings.map((f) => `${f.rule}:${f.severity}`);
}

/** A plausible handler of a service, `i` making each one different. */
function handler(i: number): string {
  return `
function handle${i}(state: State, msg: Msg): State {
  const items = state.items.filter((x) => x.id !== msg.id);
  if (msg.op === 'put${i}' && typeof msg.value === 'number') {
    items.push({ id: String(msg.id), value: Math.max(0, msg.value) * ${i + 1} });
  } else if (msg.op === 'drop${i}') {
    return { ...state, items: [] };
  }
  return { ...state, items, total: items.reduce((sum, x) => sum + x.value, 0) };
}`;
}

describe('analyzeService: max-source-size', () => {
  it('refuses a source over maxSourceBytes without parsing it', () => {
    const source = `const a = 1;\n//${'x'.repeat(2000)}`;
    assert.deepEqual(rules(source, { maxSourceBytes: 1000 }), ['max-source-size:error']);
    assert.deepEqual(rules(source, { maxSourceBytes: 4000 }), []);
  });

  it('defaults to 256 KiB, counted in UTF-8 bytes', () => {
    const justUnder = `const s = '${'é'.repeat(131_000)}';`;
    assert.deepEqual(rules(justUnder), []);
    assert.deepEqual(rules(`const s = '${'é'.repeat(132_000)}';`), ['max-source-size:error']);
  });
});

describe('analyzeService: max-nesting', () => {
  it('refuses a syntax tree deeper than maxDepth', () => {
    const nested = `const a = ${'['.repeat(300)}${']'.repeat(300)};`;
    assert.deepEqual(rules(nested), ['max-nesting:error']);
    assert.deepEqual(rules(nested, { maxDepth: 400 }), []);
    assert.deepEqual(rules(`const a = ${'['.repeat(20)}${']'.repeat(20)};`, { maxDepth: 16 }), ['max-nesting:error']);
  });

  it('refuses sources nested deep enough to crash a native parser, without crashing', () => {
    // Each of these overflowed oxc-parser's native stack (SIGSEGV) in a probe at a few thousand levels.
    const n = 50_000;
    const sources = [
      `x = ${'('.repeat(n)}1${')'.repeat(n)};`,
      `x = ${'['.repeat(n)}${']'.repeat(n)};`,
      `x = ${'!'.repeat(n)}1;`,
      `${'a='.repeat(n)}1;`,
      `x = ${'a?b:'.repeat(n)}c;`,
      `x = ${'()=>'.repeat(n)}1;`,
      `let x: ${'A<'.repeat(n)}B${'>'.repeat(n)};`,
      `x = ${'`${'.repeat(n)}1${'}`'.repeat(n)};`,
      `${'if(a)'.repeat(n)};`,
      `x = ${'class { m() { return '.repeat(5000)}1${'}}'.repeat(5000)};`,
      `${Array.from({ length: n }, (_, i) => `l${i}: `).join('')};`,
      // A lexer-confusing prefix: `}` then `/` could divide or start a regular expression.
      `function f() {} /re/.test(s); x = ${'('.repeat(n)}1${')'.repeat(n)};`,
    ];
    for (const source of sources) {
      const report = analyzeService(source, { filename: 'deep.ts', maxSourceBytes: 1024 * 1024 });
      assert.equal(report.ok, false, source.slice(0, 40));
      assert.deepEqual(
        report.findings.map((f) => f.rule),
        ['max-nesting'],
        source.slice(0, 40),
      );
    }
  });

  it('accepts long flat code that only looks deep to the lexical guard', () => {
    // 1500 statements in one function body and a `}` followed by a regular expression send the source to
    // the exact (slower) depth check; both are fine.
    const ifs = `function f(x: number) {\n${Array.from({ length: 1500 }, (_, i) => `  if (x === ${i}) return ${i};`).join('\n')}\n  return -1;\n}`;
    assert.deepEqual(rules(ifs), []);
    assert.deepEqual(rules('function f() { return 1; }\n/ab+c/.test("abbc");'), []);
    assert.deepEqual(rules(`const a = ${'1 + '.repeat(150)}1;`), []);
  });
});

describe('analyzeService: parse-error', () => {
  it('reports syntax errors with their location', () => {
    const report = analyzeService('const a = 1;\nexport default {\n  handleCall(m, s) { return { reply: 1 state: s }; },\n};\n', { filename: 'broken.ts' });
    assert.equal(report.ok, false);
    assert.equal(report.findings[0]?.rule, 'parse-error');
    assert.equal(report.findings[0]?.line, 3);
    assert.equal(report.findings[0]?.column, 40);
  });

  it('parses .js files as JavaScript and everything else as TypeScript', () => {
    assert.deepEqual(rules('let x: number = 1;', { filename: 'svc.js' }), ['parse-error:error']);
    assert.deepEqual(rules('let x: number = 1;', { filename: 'svc.mts' }), []);
  });

  it('parses as a strict module', () => {
    assert.deepEqual(rules('with (Math) { max(1, 2); }'), ['parse-error:error']);
    assert.deepEqual(rules('const a = 1; const a = 2;'), ['parse-error:error']);
    assert.deepEqual(rules('let eval = 1;'), ['parse-error:error']);
  });

  it('reports a parse error found by the exact depth check too', () => {
    assert.deepEqual(rules('function f() {} /x/.test(; ('), ['parse-error:error']);
  });
});

describe('analyzeService: options and report', () => {
  it('rejects bad options with invalid_request', () => {
    assert.throws(() => analyzeService('x', { filename: '' }), { code: 'invalid_request' });
    assert.throws(() => analyzeService('x', { filename: 'a.ts', maxSourceBytes: 0 }), { code: 'invalid_request' });
    assert.throws(() => analyzeService('x', { filename: 'a.ts', maxSourceBytes: 1.5 }), { code: 'invalid_request' });
    assert.throws(() => analyzeService('x', { filename: 'a.ts', maxDepth: 5 }), { code: 'invalid_request' });
    assert.throws(() => analyzeService('x', { filename: 'a.ts', maxDepth: 5000 }), { code: 'invalid_request' });
    assert.throws(() => analyzeService(42 as unknown as string, { filename: 'a.ts' }), { code: 'invalid_request' });
  });

  it('returns findings in source order with 1-based columns in characters, ok false on any error', () => {
    const report = analyzeService('const é = "ü"; const p = process;\nconst u = import.meta.url; eval("1");', { filename: 'svc.ts' });
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.severity, f.line, f.column]),
      [
        ['no-host-globals', 'error', 1, 26],
        ['no-import', 'warning', 2, 11],
        ['no-eval', 'error', 2, 28],
      ],
    );
    for (const f of report.findings) assert.ok(f.message.length > 0 && f.hint.length > 0);
    assert.equal(typeof report.duration_ms, 'number');
    assert.ok(report.duration_ms >= 0);
  });

  it('is ok with warnings only', () => {
    const report = analyzeService("const probe = typeof process === 'undefined';", { filename: 'svc.ts' });
    assert.equal(report.ok, true);
    assert.equal(report.findings.length, 1);
  });
});

describe("analyzeService on the repo's own services", () => {
  const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
  const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

  it('finds no error in examples/*.ts and the fixtures that are meant to deploy', () => {
    const files = [
      ...readdirSync(examples).filter((f) => f.endsWith('.ts')).map((f) => examples + f),
      ...readdirSync(fixtures).filter((f) => f.endsWith('.ts') && f !== 'imports-helper.ts').map((f) => fixtures + f),
    ];
    assert.ok(files.length >= 10);
    for (const file of files) {
      const report = analyzeService(readFileSync(file, 'utf8'), { filename: file });
      assert.deepEqual(report.findings.filter((f) => f.severity === 'error'), [], file);
    }
  });

  it('finds nothing in a large service of ordinary handlers', () => {
    const source = `type Item = { id: string; value: number };\ntype State = { items: Item[]; total?: number };\ntype Msg = { op?: string; id?: string; value?: number };\n${Array.from({ length: 150 }, (_, i) => handler(i)).join('\n')}\nexport default { handleCall(msg: Msg, state: State) { return { reply: null, state: handle0(state, msg) }; } };\n`;
    assert.ok(source.split('\n').length > 1500);
    assert.deepEqual(rules(source), []);
  });
});
