// The security commands' flag parsing: rates, lifetimes, permission and service lists, tenant limits; every
// refusal is invalid_request naming the flag.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePermissionFlags, parseRateFlag, parseServiceFlags, parseTenantLimitFlags, parseTtlFlag, splitList } from '../src/security-flags.ts';
import { stripOneNewline } from '../src/commands/secrets.ts';
import { formatFinding, formatFindings } from '../src/commands/validate.ts';

function refuses(fn: () => unknown, flag: string, message?: RegExp): void {
  assert.throws(fn, (err: { code: string; message: string; details: { field: string } }) => {
    assert.equal(err.code, 'invalid_request');
    assert.equal(err.details.field, flag);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('parseRateFlag', () => {
  it('reads RPS:BURST and RPS alone (burst = RPS rounded up)', () => {
    assert.deepEqual(parseRateFlag('10:20'), { requests_per_second: 10, burst: 20 });
    assert.deepEqual(parseRateFlag('10'), { requests_per_second: 10, burst: 10 });
    assert.deepEqual(parseRateFlag('0.5'), { requests_per_second: 0.5, burst: 1 });
    assert.deepEqual(parseRateFlag(' 2.5:3 '), { requests_per_second: 2.5, burst: 3 });
    assert.equal(parseRateFlag(undefined), undefined);
  });
  for (const bad of ['', 'ten', '10:', ':20', '10:20:30', '-1', '0', '10:0', '10:2.5', '2000000']) {
    it(`refuses '${bad}'`, () => refuses(() => parseRateFlag(bad), '--rate'));
  }
});

describe('parseTtlFlag', () => {
  it('reads 90s, 15m, 2h and 7d as seconds', () => {
    assert.equal(parseTtlFlag('90s', '--ttl', { allowZero: false }), 90);
    assert.equal(parseTtlFlag('15m', '--ttl', { allowZero: false }), 900);
    assert.equal(parseTtlFlag('2h', '--ttl', { allowZero: false }), 7200);
    assert.equal(parseTtlFlag('7d', '--ttl', { allowZero: false }), 604_800);
    assert.equal(parseTtlFlag(undefined, '--ttl', { allowZero: false }), undefined);
  });
  it('reads 0 as no expiry only where allowed', () => {
    assert.equal(parseTtlFlag('0', '--ttl', { allowZero: true }), 0);
    refuses(() => parseTtlFlag('0', '--ttl', { allowZero: false }), '--ttl');
  });
  for (const bad of ['90', '1.5h', '2w', 'h', '-5m', '0s', '1 h', 'forever']) {
    it(`refuses '${bad}'`, () => refuses(() => parseTtlFlag(bad, '--ttl', { allowZero: true }), '--ttl', /90s, 15m, 2h or 7d/));
  }
});

describe('parsePermissionFlags / parseServiceFlags', () => {
  it('accepts comma-separated and repeated values, de-duplicated', () => {
    assert.deepEqual(splitList(['deploy, call', 'status', ',']), ['deploy', 'call', 'status']);
    assert.deepEqual(parsePermissionFlags(['deploy,call', 'call', 'events:read']), ['deploy', 'call', 'events:read']);
    assert.deepEqual(parseServiceFlags(['api-*', 'billing,*']), ['api-*', 'billing', '*']);
    assert.equal(parseServiceFlags([]), undefined);
  });
  it('refuses an unknown permission with invalid_request naming it', () => {
    assert.throws(() => parsePermissionFlags(['deploy,root']), (err: { code: string; message: string; details: Record<string, unknown> }) => {
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.details['field'], '--perm');
      assert.equal(err.details['permission'], 'root');
      assert.match(err.message, /--perm: .*unknown permission "root"/);
      return true;
    });
  });
  it('refuses no permission at all and a bad service pattern', () => {
    refuses(() => parsePermissionFlags([]), '--perm');
    refuses(() => parsePermissionFlags([' , ']), '--perm');
    refuses(() => parseServiceFlags(['API']), '--service');
    refuses(() => parseServiceFlags(['a*b']), '--service');
  });
});

describe('parseTenantLimitFlags', () => {
  it('builds the limits given, and nothing when none is', () => {
    assert.deepEqual(parseTenantLimitFlags({ maxServices: '5', maxMemoryMb: '0', rate: '100:200' }), {
      max_services: 5,
      max_memory_mb: 0,
      rate: { requests_per_second: 100, burst: 200 },
    });
    assert.equal(parseTenantLimitFlags({}), undefined);
  });
  it('refuses non-integers with the flag', () => {
    refuses(() => parseTenantLimitFlags({ maxServices: 'lots' }), '--max-services');
    refuses(() => parseTenantLimitFlags({ maxMemoryMb: '-1' }), '--max-memory-mb');
    refuses(() => parseTenantLimitFlags({ rate: 'x' }), '--rate');
  });
});

describe('secrets and validate helpers', () => {
  it('drops exactly one trailing newline from stdin', () => {
    assert.equal(stripOneNewline('s3cret\n'), 's3cret');
    assert.equal(stripOneNewline('s3cret\r\n'), 's3cret');
    assert.equal(stripOneNewline('a\n\n'), 'a\n');
    assert.equal(stripOneNewline('no newline'), 'no newline');
  });
  it('formats findings as file:line:col rule message (hint), marking warnings', () => {
    const err = { rule: 'no-eval', severity: 'error', message: 'eval is not allowed', line: 3, column: 7, hint: 'remove it' } as const;
    const warn = { ...err, rule: 'max-nesting', severity: 'warning' } as const;
    assert.equal(formatFinding('svc.ts', err), 'svc.ts:3:7 no-eval eval is not allowed (remove it)');
    assert.equal(formatFinding('svc.ts', warn), 'svc.ts:3:7 max-nesting eval is not allowed (remove it) [warning]');
    assert.match(formatFindings('svc.ts', [err, warn]), /svc\.ts: 1 error\(s\), 1 warning\(s\); deploy would refuse it/);
    assert.equal(formatFindings('svc.ts', []), 'svc.ts: no findings');
  });
});
