// Table tests of the client-side checks of the security verbs: what passes comes back clean, what fails
// names its field, and a secret value is never quoted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditExportRequest, TenantLimits, TokenGrantRequest } from '@solo/protocol';
import {
  checkAuditExport,
  checkSecretName,
  checkSecretValue,
  checkTenantLimits,
  checkTokenGrant,
  checkTokenId,
} from '../src/security-checks.ts';
import { checkValidateRequest } from '../src/request-checks.ts';

function field(fn: () => unknown, name: string, code = 'invalid_request'): void {
  assert.throws(fn, (err: { code: string; details: { field: string } }) => {
    assert.equal(err.code, code);
    assert.equal(err.details.field, name);
    return true;
  });
}

describe('checkTokenGrant', () => {
  it('returns a clean grant, de-duplicating permissions', () => {
    const req = { permissions: ['call', 'call', 'status'], services: ['api-*'], ttl_s: 3600, rate_limit: { requests_per_second: 10, burst: 20 }, persistent: false, label: 'ci', extra: 1 };
    assert.deepEqual(checkTokenGrant(req as unknown as TokenGrantRequest), {
      permissions: ['call', 'status'],
      services: ['api-*'],
      ttl_s: 3600,
      rate_limit: { requests_per_second: 10, burst: 20 },
      persistent: false,
      label: 'ci',
    });
  });

  const bad: Array<[string, unknown, string]> = [
    ['an unknown permission', { permissions: ['deploy', 'root'] }, 'permissions'],
    ['no permission', { permissions: [] }, 'permissions'],
    ['a bad service pattern', { permissions: ['call'], services: ['API'] }, 'services'],
    ['a pattern with an inner star', { permissions: ['call'], services: ['a*b'] }, 'services'],
    ['a negative ttl', { permissions: ['call'], ttl_s: -1 }, 'ttl_s'],
    ['a fractional ttl', { permissions: ['call'], ttl_s: 1.5 }, 'ttl_s'],
    ['a ttl over 366 days', { permissions: ['call'], ttl_s: 367 * 86_400 }, 'ttl_s'],
    ['a zero rate', { permissions: ['call'], rate_limit: { requests_per_second: 0, burst: 1 } }, 'rate_limit'],
    ['a fractional burst', { permissions: ['call'], rate_limit: { requests_per_second: 1, burst: 1.5 } }, 'rate_limit'],
    ['a long label', { permissions: ['call'], label: 'x'.repeat(129) }, 'label'],
    ['a non-boolean persistent', { permissions: ['call'], persistent: 'yes' }, 'persistent'],
  ];
  for (const [name, req, f] of bad) it(`refuses ${name}`, () => field(() => checkTokenGrant(req as TokenGrantRequest), f));
});

describe('checkTokenId / checkSecretName / checkSecretValue', () => {
  it('accepts well-formed values', () => {
    assert.equal(checkTokenId('AbC_123-xyz'), 'AbC_123-xyz');
    assert.equal(checkSecretName('STRIPE_KEY'), 'STRIPE_KEY');
    assert.equal(checkSecretValue(''), '');
  });

  it('refuses malformed ones', () => {
    for (const id of ['short', 'has space inside', 'x'.repeat(65), '../etc/pass', 42]) field(() => checkTokenId(id as string), 'token_id');
    for (const name of ['', 'x'.repeat(129), null]) field(() => checkSecretName(name as string), 'name');
    field(() => checkSecretValue(42 as unknown as string), 'value');
  });
});

describe('checkTenantLimits', () => {
  it('keeps the limits given', () => {
    assert.deepEqual(checkTenantLimits({ max_services: 5, rate: { requests_per_second: 2, burst: 4 } }), { max_services: 5, rate: { requests_per_second: 2, burst: 4 } });
  });
  const bad: Array<[string, unknown, string]> = [
    ['an unknown limit', { max_cpu: 1 }, 'limits.max_cpu'],
    ['a negative service count', { max_services: -1 }, 'limits.max_services'],
    ['a fractional memory', { max_memory_mb: 1.5 }, 'limits.max_memory_mb'],
    ['memory over the bound', { max_memory_mb: 2_000_000 }, 'limits.max_memory_mb'],
    ['a bad rate', { rate: { requests_per_second: 1 } }, 'limits.rate'],
    ['a non-object', 5, 'limits'],
  ];
  for (const [name, limits, f] of bad) it(`refuses ${name}`, () => field(() => checkTenantLimits(limits as TenantLimits), f));
});

describe('checkAuditExport', () => {
  it('normalises since to a full ISO time', () => {
    assert.deepEqual(checkAuditExport({ tenant: 'acme', since: '2025-01-31', limit: 10 }), { tenant: 'acme', since: '2025-01-31T00:00:00.000Z', limit: 10 });
  });
  const bad: Array<[string, unknown, string]> = [
    ['a bad tenant', { tenant: 'A B' }, 'tenant'],
    ['a since that is no time', { since: '1h' }, 'since'],
    ['a zero limit', { limit: 0 }, 'limit'],
    ['a limit over 10000', { limit: 10_001 }, 'limit'],
  ];
  for (const [name, req, f] of bad) it(`refuses ${name}`, () => field(() => checkAuditExport(req as AuditExportRequest), f));
});

describe('checkValidateRequest', () => {
  it('builds the body, with the file name when given', () => {
    assert.deepEqual(checkValidateRequest('export default {}', 'a.ts'), { source: 'export default {}', filename: 'a.ts' });
    assert.deepEqual(checkValidateRequest(''), { source: '' });
  });
  it('refuses a missing source, an empty file name and a source over 1 MiB', () => {
    field(() => checkValidateRequest(undefined as unknown as string), 'source');
    field(() => checkValidateRequest('x', ' '), 'filename');
    field(() => checkValidateRequest('x'.repeat(1024 * 1024 + 1)), 'source', 'limit_exceeded');
  });
});
