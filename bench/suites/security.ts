// The security checks every request pays (issue #5): verifying a capability token (the cached path every
// repeat request takes, and a first sight: parse + HMAC chain), the full authorize (verify, tenant,
// permission, service pattern, token and tenant rate), beside the same run's baseline of one bare
// HMAC-SHA256 over the token's bytes. In process, over the kernel state reducer; no node needed.
import { createHmac, randomBytes } from 'node:crypto';
import { NodeSecurity, TenantDirectory, TokenAuthority, applyEvent, createKernelState } from '@solo/kernel';
import { OPERATOR_TENANT, TENANT_PERMISSIONS, attenuateToken, parseTenantId, type EventInput } from '@solo/protocol';
import { QUICK_PLAN, pairedLatency } from '../lib/latency.ts';
import { baselineRef, type Suite } from '../lib/suite.ts';

const M = {
  hmac: 'baseline: one HMAC-SHA256 over a token (node:crypto)',
  verifyCached: 'verify a capability token already seen (the hot path of every repeat request)',
  verifyFirst: 'verify a capability token seen for the first time (parse + HMAC chain of 2 blocks)',
  authorize: 'authorize a request: verify + tenant + permission + service pattern + token and tenant rate',
} as const;

function authority(): { security: NodeSecurity; tokens: TokenAuthority } {
  const state = createKernelState();
  let seq = 0;
  const append = async (ev: Omit<EventInput, 'at'>): Promise<number> => {
    applyEvent(state, { ...ev, at: new Date().toISOString(), seq: ++seq });
    return seq;
  };
  const tokens = new TokenAuthority({ key: randomBytes(32), state: () => state, append, now: Date.now });
  const security = new NodeSecurity({ tokens, tenants: new TenantDirectory({ state: () => state, append }), append, log: { info() {}, warn() {}, error() {} } });
  return { security, tokens };
}

export const securitySuite: Suite = {
  name: 'security',
  plan: () => [
    { measure: M.hmac },
    { measure: M.verifyCached, target: { unit: 'ms', checks: [{ stat: 'p50', max: 0.02 }] } },
    { measure: M.verifyFirst, target: { unit: 'ms', checks: [{ stat: 'p50', max: 0.02 }] } },
    { measure: M.authorize, target: { unit: 'ms', checks: [{ stat: 'p50', max: 0.02 }] } },
  ],
  async run(ctx, emit) {
    const { security, tokens } = authority();
    const acme = parseTenantId('acme');
    await tokens.mint({ tenant: OPERATOR_TENANT, permissions: ['admin'] }, {});
    // The rate check runs on every request; a rate this high never refuses, so the loop measures its cost only.
    await security.tenants.create('acme', { rate: { requests_per_second: 1_000_000, burst: 1_000_000 } }, {});
    const tenant = (await tokens.mint({ tenant: 'acme', permissions: [...TENANT_PERMISSIONS], services: ['api-*'] }, {})).token;
    const narrow = attenuateToken(tenant, { perms: ['call', 'status'], services: ['api-users'] });
    const key = randomBytes(32);
    // Distinct tokens made before the clock starts (a holder's attenuation, not the node's work): the verify
    // cache has never seen any of them, so each verify parses the blocks and checks the HMAC chain.
    const unseen = Array.from({ length: ctx.pick(120_000, 50) }, (_, i) => attenuateToken(tenant, { exp: Date.now() + 3_600_000 + i }));
    let next = 0;
    const firstSight = (): void => {
      const token = unseen[next++];
      if (token === undefined) throw new Error('ran out of unseen tokens: raise their number');
      tokens.verify(token);
    };
    const firstPlan = ctx.pick({ timeMs: 1200, iterations: 5_000, warmupIterations: 200, rounds: 4 }, { ...QUICK_PLAN, rounds: 1 });
    const plan = ctx.pick({ timeMs: 2000, iterations: 20_000, warmupIterations: 500, rounds: 4 }, { ...QUICK_PLAN, rounds: 1 });
    const [hmac, cached] = await pairedLatency(
      { name: M.hmac, fn: () => createHmac('sha256', key).update(narrow).digest() },
      { name: M.verifyCached, fn: () => tokens.verify(narrow) },
      plan,
    );
    const [, authorized] = await pairedLatency(
      { name: M.hmac, fn: () => createHmac('sha256', key).update(narrow).digest() },
      { name: M.authorize, fn: () => security.authorize({ door: 'nats', verb: 'call', tenant: acme, token: narrow, service: 'api-users' }) },
      plan,
    );
    const [, first] = await pairedLatency({ name: M.hmac, fn: () => createHmac('sha256', key).update(narrow).digest() }, { name: M.verifyFirst, fn: firstSight }, firstPlan);
    const baseline = baselineRef('one HMAC-SHA256', hmac);
    emit({ measure: M.hmac, result: hmac, note: `over the ${narrow.length}-character token` });
    emit({ measure: M.verifyCached, result: cached, baseline });
    emit({ measure: M.verifyFirst, result: first, baseline, note: `${next} distinct tokens, each verified once (then cached: the next request with it takes the row above)` });
    emit({ measure: M.authorize, result: authorized, baseline, note: 'rates high enough never to refuse; cached token' });
  },
};
