// Tests of compileService: esbuild output, size limit, compile errors with line:column, rejected imports,
// and the static analysis it runs on every source (rejected_code with findings, warnings passed on).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { MAX_SOURCE_BYTES } from '@solo/protocol';
import { compileService } from '../src/index.ts';
import { fixtureSource } from './fixtures.ts';

describe('compileService', () => {
  it('compiles TypeScript to ESM without types and hashes the code', async () => {
    const source = fixtureSource('counter');
    const out = await compileService(source, { filename: 'counter.ts' });
    assert.match(out.code, /export\s*\{[^}]*as default/);
    assert.doesNotMatch(out.code, /import\s+type|: State/);
    assert.equal(out.hash, createHash('sha256').update(out.code).digest('hex'));
    assert.equal(out.sourceBytes, Buffer.byteLength(source));
  });

  it('compiles JavaScript with the js loader', async () => {
    const out = await compileService('export default { handleCall(m, s) { return { reply: m, state: s }; } };', { filename: 'echo.mjs' });
    assert.match(out.code, /handleCall/);
  });

  it('reports a syntax error with file:line:column', async () => {
    const source = 'const a = 1;\nexport default {\n  handleCall(m, s) { return { reply: 1 state: s }; },\n};\n';
    await assert.rejects(compileService(source, { filename: 'broken.ts' }), (err: { code: string; message: string; details: Record<string, unknown> }) => {
      assert.equal(err.code, 'compile_error');
      assert.match(err.message, /broken\.ts:3:40: Expected "}" but found "state"/);
      assert.equal(err.details['line'], 3);
      assert.equal(err.details['column'], 40);
      assert.deepEqual(err.details['errors'], [{ line: 3, column: 40, message: 'Expected "}" but found "state"' }]);
      return true;
    });
  });

  it('counts columns in characters, not bytes', async () => {
    const source = 'const é = "ü"; const x = ;\nexport default {};\n';
    await assert.rejects(compileService(source, { filename: 'utf8.ts' }), { code: 'compile_error', details: { line: 1, column: 26, errors: [{ line: 1, column: 26, message: 'Unexpected ";"' }] } });
  });

  it('rejects a source over MAX_SOURCE_BYTES with limit_exceeded', async () => {
    const source = `export default { handleCall(m, s) { return { reply: m, state: s }; } };\n//${'x'.repeat(MAX_SOURCE_BYTES)}`;
    await assert.rejects(compileService(source, { filename: 'big.ts' }), {
      code: 'limit_exceeded',
      details: { bytes: Buffer.byteLength(source), max: MAX_SOURCE_BYTES },
    });
  });

  it('rejects an import statement with its location', async () => {
    await assert.rejects(compileService(fixtureSource('imports-helper'), { filename: 'imports-helper.ts' }), (err: { code: string; message: string; details: Record<string, unknown> }) => {
      assert.equal(err.code, 'rejected_code');
      assert.match(err.message, /imports-helper\.ts:3:24: import of '\.\/helper\.ts' is not allowed/);
      assert.match(err.message, /ctx\.call/);
      assert.equal(err.details['line'], 3);
      return true;
    });
  });

  it('rejects re-exports, require and dynamic imports', async () => {
    const cases = [
      "export * from './other';\nexport default { handleCall(m, s) { return { reply: m, state: s }; } };",
      "import fs from 'node:fs';\nexport default { handleCall(m, s) { return { reply: fs.readFileSync('x'), state: s }; } };",
      "const fs = require('fs');\nexport default { handleCall(m, s) { return { reply: fs, state: s }; } };",
      "export default { async handleCall(m, s) { return { reply: await import('x'), state: s }; } };",
      "export default { async handleCall(m, s) { return { reply: await import(String(m)), state: s }; } };",
    ];
    for (const source of cases) {
      await assert.rejects(compileService(source, { filename: 'svc.js' }), { code: 'rejected_code' }, source);
    }
  });

  it('rejects code the analysis refuses, listing findings as file:line:col rule: message (hint)', async () => {
    const source = 'export default {\n  handleCall(m, s) { return { reply: eval(String(m)), state: s }; },\n};\n';
    await assert.rejects(compileService(source, { filename: 'evil.ts' }), (err: { code: string; message: string; details: Record<string, unknown> }) => {
      assert.equal(err.code, 'rejected_code');
      assert.match(err.message, /evil\.ts:2:38 no-eval: `eval` calls eval, which runs a string as code\. \(Remove eval[^)]*functions\)\. Fix every error finding/);
      assert.equal(err.details['line'], 2);
      assert.equal(err.details['column'], 38);
      assert.deepEqual(err.details['errors'], [{ line: 2, column: 38, message: 'no-eval: `eval` calls eval, which runs a string as code.' }]);
      const findings = err.details['findings'] as Array<{ rule: string; severity: string; line: number; column: number; hint: string }>;
      assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.line, f.column]), [['no-eval', 'error', 2, 38]]);
      assert.ok(findings[0]?.hint);
      return true;
    });
  });

  it('rejects every rule family through the same gate', async () => {
    const cases: Array<[string, string]> = [
      ['no-function-constructor', "export default { handleCall(m, s) { return { reply: (() => 1).constructor('return 1')(), state: s }; } };"],
      ['no-host-globals', 'export default { handleCall(m, s) { globalThis.leak = m; return { reply: process.pid, state: s }; } };'],
      ['no-proto-mutation', 'Object.prototype.polluted = true;\nexport default { handleCall(m, s) { return { reply: m, state: s }; } };'],
      ['no-wasm', 'export default { handleCall(m, s) { return { reply: typeof WebAssembly, state: s }; } };'],
      ['max-nesting', `export default { handleCall(m, s) { return { reply: ${'['.repeat(300)}${']'.repeat(300)}, state: s }; } };`],
    ];
    for (const [rule, source] of cases) {
      await assert.rejects(compileService(source, { filename: 'svc.ts' }), (err: { code: string; message: string; details: Record<string, unknown> }) => {
        assert.equal(err.code, 'rejected_code', source);
        assert.match(err.message, new RegExp(`svc\\.ts:\\d+:\\d+ ${rule}: `), source);
        assert.ok((err.details['findings'] as Array<{ rule: string }>).some((f) => f.rule === rule), source);
        return true;
      });
    }
  });

  it('rejects a source over the analysis limit of 256 KiB with rejected_code (max-source-size)', async () => {
    const source = `export default { handleCall(m, s) { return { reply: m, state: s }; } };\n//${'x'.repeat(300 * 1024)}`;
    await assert.rejects(compileService(source, { filename: 'big.ts' }), (err: { code: string; details: Record<string, unknown> }) => {
      assert.equal(err.code, 'rejected_code');
      assert.deepEqual((err.details['findings'] as Array<{ rule: string }>).map((f) => f.rule), ['max-source-size']);
      return true;
    });
  });

  it('passes warnings on and accepts the code', async () => {
    const source = "export default { handleCall(m, s) { return { reply: typeof process === 'undefined', state: s }; } };";
    const out = await compileService(source, { filename: 'probe.ts' });
    assert.deepEqual(out.warnings.map((f) => [f.rule, f.severity]), [['no-host-globals', 'warning']]);
    assert.deepEqual((await compileService(fixtureSource('counter'), { filename: 'counter.ts' })).warnings, []);
  });

  it('accepts the text "import(" inside a string, which only a regular expression scan mistook for an import', async () => {
    const out = await compileService('const hint = "call import(x) later";\nexport default { handleCall(m, s) { return { reply: hint, state: s }; } };', { filename: 'str.ts' });
    assert.match(out.code, /call import\(x\) later/);
  });

  it('accepts type-only imports, which compile away', async () => {
    const source = "import type { Json } from '@solo/protocol';\nexport default { handleCall(m: Json, s: Json) { return { reply: m, state: s }; } };";
    const out = await compileService(source, { filename: 'typed.ts' });
    assert.doesNotMatch(out.code, /import/);
  });
});
