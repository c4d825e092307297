import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@solo/testkit';
import { CircuitBreaker, type CircuitBreakerOptions } from '../src/admission/circuit-breaker.ts';

const OPTS: CircuitBreakerOptions = { crashes: 3, windowMs: 10_000, cooldownMs: 1000, maxCooldownMs: 5000, probeTimeoutMs: 6000 };

function opened(clock: ManualClock, o: CircuitBreakerOptions = OPTS): CircuitBreaker {
  const b = new CircuitBreaker(o);
  for (let i = 0; i < o.crashes; i++) b.recordCrash(clock.now());
  assert.equal(b.state, 'open');
  return b;
}

describe('CircuitBreaker', () => {
  it('stays closed below the crash count and forgets crashes older than the window', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker(OPTS);
    assert.equal(b.recordCrash(clock.now()), null);
    clock.advance(9000);
    assert.equal(b.recordCrash(clock.now()), null);
    clock.advance(2000); // the first crash is now out of the window
    assert.equal(b.recordCrash(clock.now()), null);
    assert.equal(b.state, 'closed');
    assert.deepEqual(b.admit(clock.now()), { admit: true, probe: false });
    assert.equal(b.snapshot(clock.now()).crashes, 2);
  });

  it('opens at the crash count within the window and refuses with the cool-down left', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker(OPTS);
    b.recordCrash(clock.now());
    b.recordCrash(clock.now());
    assert.deepEqual(b.recordCrash(clock.now()), { to: 'open', crashes: 3, windowMs: 10_000, cooldownMs: 1000, reopened: false });
    clock.advance(400);
    assert.deepEqual(b.admit(clock.now()), { admit: false, retryAfterMs: 600, state: 'open' });
    const s = b.snapshot(clock.now());
    assert.equal(s.state, 'open');
    assert.equal(s.retryAfterMs, 600);
    assert.equal(s.openedAtMs, clock.now() - 400);
  });

  it('lets exactly one probe through after the cool-down (half-open)', () => {
    const clock = new ManualClock();
    const b = opened(clock);
    clock.advance(1000);
    assert.deepEqual(b.admit(clock.now()), { admit: true, probe: true });
    assert.equal(b.state, 'half_open');
    const second = b.admit(clock.now());
    assert.equal(second.admit, false);
    assert.ok(!second.admit && second.retryAfterMs > 0 && second.state === 'half_open');
  });

  it('closes when the probe succeeds, with the crash count and cool-down reset', () => {
    const clock = new ManualClock();
    const b = opened(clock);
    clock.advance(1500);
    b.admit(clock.now());
    assert.deepEqual(b.recordSuccess(clock.now()), { to: 'closed', openMs: 1500 });
    assert.equal(b.state, 'closed');
    assert.equal(b.snapshot(clock.now()).crashes, 0);
    assert.equal(b.recordCrash(clock.now()), null, 'one crash after closing does not reopen it');
  });

  it('re-opens when the probe crashes, doubling the cool-down up to its ceiling', () => {
    const clock = new ManualClock();
    const b = opened(clock);
    const cooldowns: number[] = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(b.snapshot(clock.now()).cooldownMs);
      assert.equal(b.admit(clock.now()).admit, true);
      const t = b.recordCrash(clock.now());
      assert.ok(t !== null && t.to === 'open' && t.reopened);
      cooldowns.push(t.cooldownMs);
    }
    assert.deepEqual(cooldowns, [2000, 4000, 5000, 5000]);
  });

  it('lets the next request probe when a probe is abandoned or brings no verdict in time', () => {
    const clock = new ManualClock();
    const b = opened(clock);
    clock.advance(1000);
    assert.equal(b.admit(clock.now()).admit, true);
    b.abandonProbe();
    assert.deepEqual(b.admit(clock.now()), { admit: true, probe: true });
    clock.advance(OPTS.probeTimeoutMs - 1);
    assert.equal(b.admit(clock.now()).admit, false);
    clock.advance(1);
    assert.deepEqual(b.admit(clock.now()), { admit: true, probe: true });
  });

  it('stays open on a success before its probe, and on crashes while open', () => {
    const clock = new ManualClock();
    const b = opened(clock);
    assert.equal(b.recordSuccess(clock.now()), null);
    assert.equal(b.recordCrash(clock.now()), null);
    assert.equal(b.state, 'open');
  });

  it('never opens when turned off (crashes: 0)', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ ...OPTS, crashes: 0 });
    for (let i = 0; i < 100; i++) assert.equal(b.recordCrash(clock.now()), null);
    assert.equal(b.state, 'closed');
  });

  it('resets to closed on new code', () => {
    const clock = new ManualClock();
    const b = opened(clock);
    b.reset();
    assert.equal(b.state, 'closed');
    assert.deepEqual(b.admit(clock.now()), { admit: true, probe: false });
  });
});
