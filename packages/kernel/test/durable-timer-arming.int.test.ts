// Durable timers (reminders) due beyond one setTimeout (2^31-1 ms, ~24.8 days) are armed again until their due
// time (issue #6: a 30-day reminder fired after ~24.8 days). Real LMDB; the wall clock and the scheduler are inputs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMER_DELAY_MS, parseServiceId, parseTenantId, type Json } from '@solo/protocol';
import { LocalStore } from '@solo/store';
import { ManualClock, ManualScheduler, createTempDir, uniqueName, waitFor, type TempDir } from '@solo/testkit';
import { DurableSupport, MAX_ARM_MS } from '../src/durable/durable-support.ts';
import type { ServiceEntry } from '../src/service-entry.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('DurableSupport reminders', () => {
  let dir: TempDir;
  let local: LocalStore;
  before(() => {
    dir = createTempDir('solo-reminders-');
    local = LocalStore.open(dir.path);
  });
  after(async () => {
    await local.close();
    dir.remove();
  });

  const setUp = () => {
    const clock = new ManualClock();
    const scheduler = new ManualScheduler(clock);
    const support = new DurableSupport({ local, now: () => clock.now(), log: { info: () => {}, warn: () => {}, error: () => {} }, scheduler });
    const fired: Json[] = [];
    const tenant = parseTenantId(uniqueName('t'));
    const service = parseServiceId('w');
    // The parts of an entry a reminder touches: its ids, its actor's info and whether it is durable.
    const entry = {
      tenant,
      service,
      key: `${tenant}/${service}`,
      record: { durable: false },
      actor: {
        info: (m: Json) => {
          fired.push(m);
          return Promise.resolve();
        },
      },
    } as unknown as ServiceEntry;
    return { clock, scheduler, support, fired, entry };
  };

  it('re-arms a 30-day reminder until it is due, and fires it once then', async () => {
    const { clock, scheduler, support, fired, entry } = setUp();
    const start = clock.now();
    const id = support.setTimer(entry, 30 * DAY_MS, 'ping', () => true);
    assert.deepEqual(scheduler.pending().map((t) => t.ms), [MAX_ARM_MS]);
    scheduler.runNext();
    // ~24.8 days in: not due yet, so it is armed again for what is left.
    assert.deepEqual(fired, []);
    assert.deepEqual(scheduler.pending().map((t) => t.ms), [30 * DAY_MS - MAX_ARM_MS]);
    assert.equal(support.timerCount(entry.tenant, entry.service), 1);
    scheduler.runNext();
    await waitFor(() => fired.length === 1);
    const info = fired[0] as unknown as { timer_id: string; due_at: string; fired_at: string; message: Json };
    assert.equal(info.timer_id, id);
    assert.equal(info.message, 'ping');
    assert.equal(Date.parse(info.fired_at), start + 30 * DAY_MS);
    assert.equal(info.due_at, info.fired_at);
    await waitFor(() => local.timers.get(`${entry.tenant}/${entry.service}/${id}`) === undefined);
    assert.equal(support.timerCount(entry.tenant, entry.service), 0);
    assert.deepEqual(scheduler.pending(), []);
  });

  it('arms a reminder due within one setTimeout once, for its whole delay', () => {
    const { scheduler, support, entry } = setUp();
    support.setTimer(entry, 5 * DAY_MS, 'soon', () => true);
    assert.deepEqual(scheduler.pending().map((t) => t.ms), [5 * DAY_MS]);
    support.stop();
  });

  it('cancels a reminder between two armings', async () => {
    const { scheduler, support, fired, entry } = setUp();
    const id = support.setTimer(entry, 60 * DAY_MS, 'never', () => true);
    await waitFor(() => local.timers.get(`${entry.tenant}/${entry.service}/${id}`) !== undefined);
    scheduler.runNext();
    assert.equal(scheduler.pending().length, 1);
    assert.equal(support.cancelTimer(entry, id), true);
    assert.deepEqual(scheduler.pending(), []);
    assert.deepEqual(fired, []);
    assert.equal(support.timerCount(entry.tenant, entry.service), 0);
  });

  it('re-arms a long reminder restored from LMDB (after a restart) for what is left', async () => {
    const first = setUp();
    const id = first.support.setTimer(first.entry, 100 * DAY_MS, 'restored', () => true);
    await waitFor(() => local.timers.get(`${first.entry.tenant}/${first.entry.service}/${id}`) !== undefined);
    first.support.stop();
    const later = setUp();
    later.clock.set(first.clock.now() + 10 * DAY_MS);
    const entry = { ...later.entry, tenant: first.entry.tenant, service: first.entry.service, key: first.entry.key } as ServiceEntry;
    later.support.armTimers(entry, () => true);
    assert.deepEqual(later.scheduler.pending().map((t) => t.ms), [MAX_ARM_MS]);
    later.scheduler.runNext();
    later.scheduler.runNext();
    later.scheduler.runNext();
    assert.deepEqual(later.scheduler.pending().map((t) => t.ms), [90 * DAY_MS - 3 * MAX_ARM_MS]);
    later.support.stop();
  });

  it('refuses a delay that is negative, not finite or over 365 days with invalid_request, and stores nothing', () => {
    const { scheduler, support, entry } = setUp();
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY, MAX_TIMER_DELAY_MS + 1]) {
      assert.throws(() => support.setTimer(entry, ms, null, () => true), { code: 'invalid_request' }, String(ms));
    }
    assert.deepEqual(scheduler.pending(), []);
    assert.equal([...local.timers.entries({ prefix: `${entry.tenant}/` })].length, 0);
    support.setTimer(entry, MAX_TIMER_DELAY_MS, null, () => true);
    assert.equal(scheduler.pending().length, 1);
    support.stop();
  });
});
