// Tests of the two routes oxc's tree takes to JavaScript (oxc-parse.ts): raw transfer, the fast one, must give
// exactly the findings of the JSON route on every source the analysis tests use, on the repo's services and on
// odd text (non-ASCII, BOM, lone surrogates, syntax errors); and the JSON route must take over when raw
// transfer cannot be had (a source too long for it, a process that cannot reserve its buffer).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'oxc-parser';
import { analyzeServiceVia, type Finding } from '../src/analysis/analyze-service.ts';
import { checkNesting } from '../src/analysis/nesting-guard.ts';
import { RAW_TRANSFER_MAX_CHARS, parseWithOxc } from '../src/analysis/oxc-parse.ts';

const here = fileURLToPath(new URL('./', import.meta.url));
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** Every string literal (and template without substitutions) of a TypeScript file: the sources its tests analyse. */
function stringsOf(file: string): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const el of v) visit(el);
    else if (typeof v === 'object' && v !== null) {
      const node = v as { type?: unknown; value?: unknown; quasis?: Array<{ value?: { cooked?: unknown } }>; expressions?: unknown[] };
      if (node.type === 'Literal' && typeof node.value === 'string') out.push(node.value);
      if (node.type === 'TemplateLiteral' && node.expressions?.length === 0) {
        const cooked = node.quasis?.[0]?.value?.cooked;
        if (typeof cooked === 'string') out.push(cooked);
      }
      for (const child of Object.values(v)) visit(child);
    }
  };
  visit(parseSync(file, readFileSync(file, 'utf8'), { lang: 'ts', sourceType: 'module' }).program);
  return out;
}

/** A plausible handler, `i` making each one different (as in analysis-limits.test.ts). */
function handler(i: number): string {
  return `
function handle${i}(state: State, msg: Msg): State {
  const items: Item[] = state.items.filter((x) => x.id !== msg.id);
  if (msg.op === 'put${i}' && typeof msg.value === 'number') items.push({ id: String(msg.id), value: Math.max(0, msg.value) });
  return { ...state, items, total: items.reduce((sum, x) => sum + x.value, 0) };
}`;
}

/** Sources whose findings cover every rule, plus text that is awkward for a byte buffer. */
const ODD_SOURCES = [
  'const é = "ü"; const p = process;\nconst u = import.meta.url; eval("1");',
  '\uFEFFconst a = 1; eval(a);',
  "const bad = '\uD800'; eval(bad); const big = 10n; const re = /a+/gu; Object.prototype.x = re;",
  'const s = "😀😀"; globalThis["ev" + "al"]("1");\r\nconst w = WebAssembly;\u2028new Function("x");',
  '#!/usr/bin/env node\nimport fs from "node:fs"; fs.readFileSync("x");',
  'const x = ;\nconst y = 1;',
  'é; let a = 1; let a = 2;',
  'with (Math) { max(1, 2); }',
  `export default { handleCall(m, s) { return { reply: ${'['.repeat(300)}${']'.repeat(300)}, state: s }; } };`,
  `declare const g: any; enum E { A = 1, B = A * 2 } namespace N { export const v = globalThis; } const { constructor: c } = () => 1;`,
  `type Item = { id: string; value: number };\ntype State = { items: Item[]; total?: number };\ntype Msg = { op?: string; id?: string; value?: number };\n${Array.from({ length: 60 }, (_, i) => handler(i)).join('\n')}\nexport default { handleCall(msg: Msg, state: State) { require('x'); return { reply: null, state: handle0(state, msg) }; } };\n`,
];

function findingsVia(route: 'auto' | 'json', source: string, filename: string): { ok: boolean; findings: Finding[] } {
  // `auto` must really take raw transfer, or the comparison compares JSON with itself. (Only sources the
  // nesting guard clears are given to the parser directly: the others could crash it.)
  if (route === 'auto' && checkNesting(source).kind === 'shallow') {
    assert.equal(parseWithOxc(source, { typescript: filename.endsWith('.ts') }).transfer, 'raw', source.slice(0, 120));
  }
  const report = analyzeServiceVia(route, source, { filename, maxSourceBytes: 8 * 1024 * 1024 });
  return { ok: report.ok, findings: report.findings };
}

describe('parseWithOxc', () => {
  it('takes raw transfer for an ordinary source on this platform', () => {
    // Without it, the comparisons below would compare the JSON route with itself.
    const parsed = parseWithOxc('export default { handleCall(m, s) { return { reply: m, state: s }; } };', { typescript: true });
    assert.equal(parsed.transfer, 'raw', 'raw transfer is unavailable here: the fast route of the analysis is not tested');
    assert.equal(parsed.program.type, 'Program');
    assert.equal(parseWithOxc('const a = 1;', { typescript: true, route: 'json' }).transfer, 'json');
  });

  it('gives the same findings by both routes on every string of the analysis tests, as TypeScript and as JavaScript', () => {
    const files = readdirSync(here).filter((f) => f.startsWith('analysis-') && f.endsWith('.test.ts'));
    const sources = [...new Set(files.flatMap((f) => stringsOf(here + f)))];
    assert.ok(sources.length > 300, `only ${sources.length} strings found`);
    const rules = new Set<string>();
    for (const source of sources) {
      for (const filename of ['svc.ts', 'svc.js']) {
        const raw = findingsVia('auto', source, filename);
        assert.deepEqual(raw, findingsVia('json', source, filename), `${filename}: ${source.slice(0, 120)}`);
        for (const f of raw.findings) rules.add(f.rule);
      }
    }
    // The corpus is not vacuous: it makes every rule report but the limits, whose sources are built (max-nesting
    // is among the odd sources below).
    assert.deepEqual([...rules].sort(), ['no-eval', 'no-function-constructor', 'no-host-globals', 'no-import', 'no-proto-mutation', 'no-wasm', 'parse-error']);
  });

  it("gives the same findings by both routes on the repo's services and on odd text", () => {
    const files = [
      ...readdirSync(examples).filter((f) => f.endsWith('.ts')).map((f) => examples + f),
      ...readdirSync(here + 'fixtures').filter((f) => f.endsWith('.ts')).map((f) => `${here}fixtures/${f}`),
    ];
    assert.ok(files.length >= 10);
    const sources = [...files.map((f) => readFileSync(f, 'utf8')), ...ODD_SOURCES];
    const rules = new Set<string>();
    for (const source of sources) {
      for (const filename of ['svc.ts', 'svc.js']) {
        const raw = findingsVia('auto', source, filename);
        assert.deepEqual(raw, findingsVia('json', source, filename), `${filename}: ${source.slice(0, 120)}`);
        for (const f of raw.findings) rules.add(f.rule);
      }
    }
    assert.ok(rules.has('max-nesting') && rules.has('parse-error') && rules.has('no-eval'), [...rules].join());
  });

  it('reuses its buffer without leaking one tree into the next', () => {
    const large = ODD_SOURCES.at(-1) ?? '';
    assert.deepEqual(findingsVia('auto', large, 'svc.ts'), findingsVia('json', large, 'svc.ts'));
    const small = 'eval("1");';
    const raw = findingsVia('auto', small, 'svc.ts');
    assert.deepEqual(raw, findingsVia('json', small, 'svc.ts'));
    assert.deepEqual(raw.findings.map((f) => `${f.rule}@${f.line}:${f.column}`), ['no-eval@1:1']);
    assert.equal(parseWithOxc(small, { typescript: true }).program.end, small.length);
  });

  it('takes JSON for a source longer than raw transfer takes, with the same findings', () => {
    const source = `eval("1");\n//${'x'.repeat(RAW_TRANSFER_MAX_CHARS)}\nprocess.exit(1);`;
    assert.equal(parseWithOxc(source, { typescript: true }).transfer, 'json');
    const report = analyzeServiceVia('auto', source, { filename: 'long.ts', maxSourceBytes: 4 * 1024 * 1024 });
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.line, f.column]),
      [
        ['no-eval', 1, 1],
        ['no-host-globals', 3, 1],
      ],
    );
  });

  it('takes JSON in a process that cannot reserve the raw-transfer buffer, with the same findings', () => {
    const source = ODD_SOURCES[3] ?? '';
    const script = `
      const { parseWithOxc } = await import(${JSON.stringify(new URL('../src/analysis/oxc-parse.ts', import.meta.url).href)});
      const { analyzeService } = await import(${JSON.stringify(new URL('../src/analysis/analyze-service.ts', import.meta.url).href)});
      const source = ${JSON.stringify(source)};
      const transfer = parseWithOxc(source, { typescript: true }).transfer;
      const { findings } = analyzeService(source, { filename: 'svc.ts' });
      process.stdout.write(JSON.stringify({ transfer, findings }));`;
    // A 2 GiB data limit (RLIMIT_DATA, as process sandboxes set) refuses the 6 GiB buffer, not Node itself.
    const child = spawnSync('sh', ['-c', 'ulimit -d 2097152 && exec "$0" --no-node-snapshot --import tsx --input-type=module -e "$1"', process.execPath, script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout) as { transfer: string; findings: unknown };
    assert.equal(out.transfer, 'json');
    assert.deepEqual(out.findings, findingsVia('auto', source, 'svc.ts').findings);
  });
});
