// The capability manager over the kernel-state reducer (the same reducer recovery replays): grants bounded by
// the granter, revocation through the chain, expiry, restarts. The event log itself is exercised by the
// gateway's security.int test on a real node.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '@solo/testkit';
import { OPERATOR_TENANT, type EventInput } from '@solo/protocol';
import { RateLimiter, TokenAuthority } from '../src/index.ts';
import { applyEvent, createKernelState, type KernelState } from '../src/state/kernel-state.ts';

function authority(state: KernelState, clock: ManualClock, key = randomBytes(32)): { auth: TokenAuthority; key: Buffer; events: EventInput[] } {
  const events: EventInput[] = [];
  const auth = new TokenAuthority({
    key,
    state: () => state,
    now: () => clock.now(),
    append: async (ev) => {
      const full = { ...ev, at: new Date(clock.now()).toISOString() };
      events.push(full);
      applyEvent(state, { ...full, seq: state.seq + 1 });
      return state.seq;
    },
  });
  return { auth, key, events };
}
const reasonOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return (err as { details?: Record<string, unknown> }).details?.['reason'] ?? (err as { code?: string }).code;
  }
  return 'no error';
};

describe('TokenAuthority', () => {
  it('grants within the granter, and revocation of the granter revokes the grant', async () => {
    const clock = new ManualClock(1_000_000);
    const state = createKernelState();
    const { auth } = authority(state, clock);
    const tenant = await auth.mint({ tenant: 'acme', permissions: ['deploy', 'call', 'tokens:grant'], services: ['api-*'] }, {});
    const tcap = auth.verify(tenant.token);
    const child = await auth.grant(tcap, 'acme', { permissions: ['call'], services: ['api-x'], ttl_s: 60 }, {});
    const ccap = auth.verify(child.token);
    assert.deepEqual([...ccap.perms], ['call']);
    assert.deepEqual(child.info.ancestors, [tenant.info.token_id]);
    await assert.rejects(auth.grant(tcap, 'acme', { permissions: ['kill'] }, {}), /lacks|cannot grant/);
    await assert.rejects(auth.grant(tcap, 'acme', { permissions: ['call'], services: ['*'] }, {}), /beyond/);
    await assert.rejects(auth.grant(ccap, 'acme', { permissions: ['call'], ttl_s: 0 }, {}), /never does|lacks/);
    await assert.rejects(auth.grant(tcap, 'acme', { permissions: ['admin'] }, {}), /operator/);
    await assert.rejects(auth.grant(tcap, 'acme', { permissions: ['call'], ttl_s: -1 }, {}), /ttl_s/);

    assert.equal((await auth.revoke(tcap, 'acme', tenant.info.token_id, {})).revoked, true);
    assert.equal(reasonOf(() => auth.verify(child.token)), 'revoked');
    assert.equal(reasonOf(() => auth.verify(tenant.token)), 'revoked');
    assert.equal((await auth.revoke(tcap, 'acme', tenant.info.token_id, {})).revoked, false, 'idempotent');
    await assert.rejects(auth.revoke(tcap, 'acme', 'bad id!', {}), /token_id/);
  });

  it('expires tokens by the clock', async () => {
    const clock = new ManualClock(1_000_000);
    const state = createKernelState();
    const { auth } = authority(state, clock);
    const admin = auth.verify((await auth.mint({ tenant: OPERATOR_TENANT, permissions: ['admin'] }, {})).token);
    const t = await auth.grant(admin, 'acme', { permissions: ['status'], ttl_s: 10 }, {});
    assert.ok(auth.verify(t.token));
    clock.advance(10_001);
    assert.equal(reasonOf(() => auth.verify(t.token)), 'expired');
  });

  it('after a restart keeps persistent grants and revocations and forgets ephemeral ones', async () => {
    const clock = new ManualClock(1_000_000);
    const state = createKernelState();
    const key = randomBytes(32);
    const first = authority(state, clock, key);
    const admin = first.auth.verify((await first.auth.mint({ tenant: OPERATOR_TENANT, permissions: ['admin'] }, {})).token);
    const keep = await first.auth.grant(admin, 'acme', { permissions: ['status'] }, {});
    const gone = await first.auth.grant(admin, 'acme', { permissions: ['status'], persistent: false }, {});
    const revoked = await first.auth.grant(admin, 'acme', { permissions: ['status'] }, {});
    await first.auth.revoke(admin, 'acme', revoked.info.token_id, {});
    assert.ok(first.auth.verify(gone.token));
    assert.ok(!first.events.some((e) => JSON.stringify(e).includes(keep.token)), 'events never hold token text');

    // Replay the same events into a fresh state, as recovery does, with a new authority.
    const replayed = createKernelState();
    first.events.forEach((e, i) => applyEvent(replayed, { ...e, seq: i + 1 }));
    const second = authority(replayed, clock, key);
    assert.ok(second.auth.verify(keep.token));
    assert.equal(reasonOf(() => second.auth.verify(gone.token)), 'unknown_token');
    assert.equal(reasonOf(() => second.auth.verify(revoked.token)), 'revoked');
    assert.equal(second.auth.list('acme').length, 2);
    assert.equal(second.auth.list('acme').filter((t) => t.revoked).length, 1);
    // A token signed with another key is refused.
    const other = authority(createKernelState(), clock);
    assert.equal(reasonOf(() => other.auth.verify(keep.token)), 'bad_signature');
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate', () => {
    const clock = new ManualClock(0);
    const rl = new RateLimiter({ now: () => clock.now() });
    const rate = { requests_per_second: 2, burst: 3 };
    assert.deepEqual([rl.take('k', rate), rl.take('k', rate), rl.take('k', rate)], [0, 0, 0]);
    const wait = rl.take('k', rate);
    assert.ok(wait > 0 && wait <= 500, String(wait));
    clock.advance(500);
    assert.equal(rl.take('k', rate), 0);
    assert.equal(rl.take('other', rate), 0, 'keys are independent');
  });

  it('stays bounded under many keys', () => {
    const rl = new RateLimiter({ maxBuckets: 100 });
    for (let i = 0; i < 1000; i++) rl.take(`k${i}`, { requests_per_second: 1, burst: 1 });
    assert.equal(rl.size, 100);
  });
});
