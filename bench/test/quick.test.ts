// CI's rot check for the benchmarks: `pnpm bench --quick` runs every suite once with tiny counts against a
// real node and must produce a number in every row. No timing is asserted here: speed lives in the table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const benchDir = join(import.meta.dirname, '..');

describe('pnpm bench --quick', () => {
  it('runs every suite and every row produces a number', async () => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', join(benchDir, 'run.ts'), '--quick'], {
      cwd: join(benchDir, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const killer = setTimeout(() => child.kill('SIGTERM'), 300_000);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearTimeout(killer);
    assert.equal(code, 0, `bench --quick exited ${code}\n${out}\n${err.split('\n').slice(-30).join('\n')}`);
    assert.doesNotMatch(out, /no number/);
    const rows = out.split('\n').filter((l) => / \| quick$/.test(l.trimEnd()));
    assert.ok(rows.length >= 10, `expected every row in the table, got ${rows.length}:\n${out}`);
  });
});
