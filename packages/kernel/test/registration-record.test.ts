// The pure discovery rules: who may see a registration, when it has expired, and which queries it matches.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isExpired, matchesQuery, visibleTo, type RegistrationRecord } from '@solo/kernel';

const base: RegistrationRecord = {
  tenant: 'owner',
  service_id: 'svc',
  name: 'users',
  version: '1.0.0',
  tags: { role: 'api', env: 'prod' },
  shared_with: [],
  registered_at: '2026-01-01T00:00:00.000Z',
  expires_at: null,
};

describe('registration-record', () => {
  it('shows a registration to its owner, to listed tenants and to everyone with *', () => {
    const cases: Array<[string[], string, boolean]> = [
      [[], 'owner', true],
      [[], 'other', false],
      [['other'], 'other', true],
      [['other'], 'third', false],
      [['*'], 'third', true],
    ];
    for (const [shared, tenant, want] of cases) assert.equal(visibleTo({ ...base, shared_with: shared }, tenant), want, `${shared.join(',')} → ${tenant}`);
  });

  it('expires at expires_at and never without one', () => {
    const at = Date.parse('2026-01-01T00:00:30.000Z');
    const r = { ...base, expires_at: '2026-01-01T00:00:30.000Z' };
    assert.equal(isExpired(r, at - 1), false);
    assert.equal(isExpired(r, at), true);
    assert.equal(isExpired(base, at * 2), false);
  });

  it('matches by name and by every tag of the filter', () => {
    const cases: Array<[{ name?: string; filter?: Record<string, string> }, boolean]> = [
      [{}, true],
      [{ name: 'users' }, true],
      [{ name: 'orders' }, false],
      [{ filter: { role: 'api' } }, true],
      [{ filter: { role: 'api', env: 'prod' } }, true],
      [{ filter: { role: 'api', env: 'dev' } }, false],
      [{ filter: { zone: 'a' } }, false],
    ];
    for (const [q, want] of cases) assert.equal(matchesQuery(base, q), want, JSON.stringify(q));
  });
});
