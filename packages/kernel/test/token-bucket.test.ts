import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@solo/testkit';
import { TokenBucket } from '../src/admission/token-bucket.ts';

describe('TokenBucket', () => {
  it('starts full: a burst of the rate passes, the next take is refused with the wait for one token', () => {
    const clock = new ManualClock();
    const b = new TokenBucket();
    for (let i = 0; i < 5; i++) assert.equal(b.take(clock.now(), 5), 0, `take ${i}`);
    assert.equal(b.take(clock.now(), 5), 200);
    assert.equal(b.available(clock.now(), 5), 0);
  });

  it('refills at the rate, never beyond the burst', () => {
    const clock = new ManualClock();
    const b = new TokenBucket();
    for (let i = 0; i < 10; i++) b.take(clock.now(), 10);
    clock.advance(250);
    assert.equal(b.available(clock.now(), 10), 2);
    assert.equal(b.take(clock.now(), 10), 0);
    assert.equal(b.take(clock.now(), 10), 0);
    assert.equal(b.take(clock.now(), 10), 50); // half a token is left
    clock.advance(60_000);
    assert.equal(b.available(clock.now(), 10), 10);
  });

  it('keeps the refill across available() reads', () => {
    const clock = new ManualClock();
    const b = new TokenBucket();
    b.take(clock.now(), 1);
    clock.advance(500);
    assert.equal(b.available(clock.now(), 1), 0);
    clock.advance(500);
    assert.equal(b.take(clock.now(), 1), 0);
  });

  it('refills nothing when the clock steps back', () => {
    const clock = new ManualClock();
    const b = new TokenBucket();
    b.take(clock.now(), 1);
    clock.advance(-10_000);
    assert.equal(b.take(clock.now(), 1), 1000);
    clock.advance(10_000 + 999);
    assert.ok(b.take(clock.now(), 1) > 0);
    clock.advance(1);
    assert.equal(b.take(clock.now(), 1), 0);
  });

  it('applies a lower rate at once (its burst caps what is left)', () => {
    const clock = new ManualClock();
    const b = new TokenBucket();
    b.take(clock.now(), 100);
    assert.equal(b.available(clock.now(), 3), 3);
  });
});
