// Volatile timers (ctx.setTimer): the delay bound (365 days) and the arming of timers due beyond one setTimeout
// (2^31-1 ms), which are armed again until they are due (issue #6). Time and the scheduler are inputs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMER_DELAY_MS, type Json } from '@solo/protocol';
import { ManualScheduler } from '@solo/testkit';
import { ActorTimers, MAX_SET_TIMEOUT_MS } from '../src/actor-timers.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const setUp = () => {
  const scheduler = new ManualScheduler();
  const fired: Json[] = [];
  const timers = new ActorTimers({
    maxTimers: 10,
    scheduler,
    fire: (m) => {
      fired.push(m);
      return Promise.resolve();
    },
  });
  return { scheduler, fired, timers };
};

describe('ActorTimers', () => {
  it('arms a timer due within one setTimeout once, for its delay', () => {
    const { scheduler, fired, timers } = setUp();
    timers.set(1500, 'soon', 'svc');
    assert.deepEqual(scheduler.pendingDelays(), [1500]);
    scheduler.runNext();
    assert.deepEqual(fired, ['soon']);
  });

  it('re-arms a 30-day timer until it is due, and fires it once then', () => {
    const { scheduler, fired, timers } = setUp();
    timers.set(30 * DAY_MS, 'month', 'svc');
    assert.deepEqual(scheduler.pendingDelays(), [MAX_SET_TIMEOUT_MS]);
    scheduler.runNext();
    assert.deepEqual(fired, []);
    assert.equal(timers.size, 1);
    assert.deepEqual(scheduler.pendingDelays(), [30 * DAY_MS - MAX_SET_TIMEOUT_MS]);
    scheduler.runNext();
    assert.deepEqual(fired, ['month']);
    assert.equal(scheduler.clock.now(), 30 * DAY_MS);
  });

  it('cancels a long timer between two armings, and clear() cancels its current arming', () => {
    const { scheduler, fired, timers } = setUp();
    const id = timers.set(100 * DAY_MS, 'a', 'svc');
    timers.set(100 * DAY_MS, 'b', 'svc');
    scheduler.runNext();
    scheduler.runNext();
    assert.equal(timers.cancel(id), true);
    assert.equal(timers.cancel(id), false);
    assert.equal(scheduler.pendingDelays().length, 1);
    timers.clear();
    assert.deepEqual(scheduler.pendingDelays(), []);
    assert.deepEqual(fired, []);
    assert.equal(timers.size, 0);
  });

  it(`takes a delay of exactly ${MAX_TIMER_DELAY_MS} ms (365 days)`, () => {
    const { scheduler, timers } = setUp();
    timers.set(MAX_TIMER_DELAY_MS, null, 'svc');
    assert.deepEqual(scheduler.pendingDelays(), [MAX_SET_TIMEOUT_MS]);
  });

  it('refuses a delay that is negative, not a finite number or over 365 days with invalid_request', () => {
    const { scheduler, timers } = setUp();
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY, MAX_TIMER_DELAY_MS + 1, '10' as unknown as number]) {
      assert.throws(() => timers.set(ms, null, 'svc'), { code: 'invalid_request' }, String(ms));
    }
    assert.deepEqual(scheduler.pendingDelays(), []);
    assert.equal(timers.size, 0);
  });
});
