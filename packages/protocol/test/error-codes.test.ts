// Walks the error registry: every code is documented in docs/errors.md, the doc lists no code that does not
// exist, and every code is asserted by at least one test somewhere in the workspace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, SoloError, fromWireError, isSoloError, toWireError } from '@solo/protocol';

const root = join(import.meta.dirname, '..', '..', '..');

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe('error codes', () => {
  const codes = Object.keys(ERROR_CODES);

  it('are all documented in docs/errors.md, and the doc lists only real codes', () => {
    const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    for (const c of codes) assert.ok(documented.includes(c), `${c} is missing from docs/errors.md`);
    for (const c of documented) assert.ok(codes.includes(c as string), `docs/errors.md lists unknown code ${c}`);
  });

  it('are each asserted by at least one test, unless reserved for a later issue', () => {
    const all = testFiles(join(root, 'packages'))
      .filter((f) => !f.endsWith('error-codes.test.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const raised = codes.filter((c) => !('reservedFor' in ERROR_CODES[c as keyof typeof ERROR_CODES]));
    const untested = raised.filter((c) => !all.includes(`'${c}'`));
    assert.deepEqual(untested, [], `codes never asserted by a test: ${untested.join(', ')}`);
  });

  it('travel as data: toWireError, fromWireError and isSoloError round-trip', () => {
    const e = new SoloError('not_found', 'gone', { details: { id: 'x' } });
    const wire = toWireError(e);
    assert.deepEqual(wire, { code: 'not_found', message: 'gone', details: { id: 'x' } });
    const back = fromWireError(JSON.parse(JSON.stringify(wire)));
    assert.ok(isSoloError(back, 'not_found'));
    assert.equal(back.name, 'SoloError');
  });

  it('hide unexpected errors behind internal, without their message or stack', () => {
    const wire = toWireError(new TypeError('secret path /etc/x'));
    assert.equal(wire.code, 'internal');
    assert.doesNotMatch(wire.message, /secret/);
    assert.equal(isSoloError({ code: 'nope', message: 'x' }), false);
    assert.equal(fromWireError('garbage').code, 'internal');
  });
});
