import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  API_VERBS,
  PERMISSIONS,
  VERB_PERMISSIONS,
  attenuateToken,
  capabilityOf,
  matchesServicePattern,
  newTokenId,
  parseToken,
  servicePatternsNarrow,
  signToken,
  tokenSignatureValid,
  type TokenClaims,
} from '../src/index.ts';

const key = randomBytes(32);
const claims = (over: Partial<TokenClaims> = {}): TokenClaims => ({
  id: newTokenId(),
  tenant: 'acme',
  perms: ['deploy', 'call', 'status'],
  services: ['api-*', 'db'],
  exp: Date.now() + 3_600_000,
  rate: { requests_per_second: 10, burst: 20 },
  persistent: true,
  iat: Date.now(),
  anc: [],
  ...over,
});
const reasonOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return (err as { details?: Record<string, unknown> }).details?.['reason'] ?? (err as { code?: string }).code;
  }
  return 'no error';
};

describe('capability tokens', () => {
  it('signs and verifies a root token', () => {
    const token = signToken(key, claims());
    const parsed = parseToken(token);
    assert.equal(tokenSignatureValid(key, parsed), true);
    assert.equal(tokenSignatureValid(randomBytes(32), parsed), false);
    const cap = capabilityOf(parsed);
    assert.deepEqual([...cap.perms].sort(), ['call', 'deploy', 'status']);
    assert.equal(cap.tokenId, cap.rootId);
  });

  it('attenuates without the key, and the chain still verifies', () => {
    const root = signToken(key, claims());
    const narrow = attenuateToken(root, { perms: ['call'], services: ['api-users'], exp: Date.now() + 60_000, rate: { requests_per_second: 1, burst: 2 } });
    const parsed = parseToken(narrow);
    assert.equal(tokenSignatureValid(key, parsed), true);
    const cap = capabilityOf(parsed);
    assert.deepEqual([...cap.perms], ['call']);
    assert.equal(cap.chain.length, 2);
    assert.deepEqual(cap.rate, { requests_per_second: 1, burst: 2 });
    // Dropping the caveat (keeping the later signature) breaks the chain.
    const parts = narrow.split('.');
    const stripped = [parts[0], parts[1], parts[3]].join('.');
    assert.equal(tokenSignatureValid(key, parseToken(stripped)), false);
  });

  it('refuses to widen, in the SDK and at verification', () => {
    const root = signToken(key, claims());
    for (const n of [{ perms: ['kill' as const] }, { services: ['*'] }, { services: ['other'] }, { exp: Date.now() + 10 * 3_600_000 }, { rate: { requests_per_second: 100, burst: 20 } }]) {
      assert.equal(reasonOf(() => attenuateToken(root, n)), 'widened', JSON.stringify(n));
    }
    assert.equal(reasonOf(() => attenuateToken(root, {})), 'invalid_request');
    assert.equal(reasonOf(() => attenuateToken(root, { perms: ['teleport' as never] })), 'invalid_request');
  });

  it('refuses malformed, truncated, oversized and unknown-permission tokens', () => {
    const root = signToken(key, claims());
    assert.equal(reasonOf(() => parseToken('')), 'missing');
    assert.equal(reasonOf(() => parseToken('x'.repeat(5000))), 'too_long');
    assert.equal(reasonOf(() => parseToken('solo2.a.b')), 'malformed');
    assert.equal(reasonOf(() => parseToken(root.slice(0, -5))), 'malformed');
    assert.equal(reasonOf(() => parseToken(`${root}!`)), 'malformed');
    const bad = Buffer.from(JSON.stringify({ ...claims(), perms: ['teleport'] })).toString('base64url');
    assert.equal(reasonOf(() => parseToken(`solo1.${bad}.${'A'.repeat(43)}`)), 'unknown_permission');
    const notObject = Buffer.from('[1]').toString('base64url');
    assert.equal(reasonOf(() => parseToken(`solo1.${notObject}.${'A'.repeat(43)}`)), 'malformed');
  });

  it('matches and narrows service patterns', () => {
    assert.equal(matchesServicePattern('*', 'x'), true);
    assert.equal(matchesServicePattern('api-*', 'api-users'), true);
    assert.equal(matchesServicePattern('api-*', 'apix'), false);
    assert.equal(matchesServicePattern('db', 'db2'), false);
    assert.equal(servicePatternsNarrow(['api-users', 'api-x*'], ['api-*']), true);
    assert.equal(servicePatternsNarrow(['api*'], ['api-*']), false);
    assert.equal(servicePatternsNarrow(['*'], ['api-*']), false);
  });

  it('names a permission (or none) for every API verb, and only known permissions', () => {
    for (const verb of API_VERBS) {
      const p = VERB_PERMISSIONS[verb];
      assert.ok(p === null || PERMISSIONS.includes(p), verb);
    }
  });
});
