// DataLimit: the data limit of a sandbox host process grows with the memory its actors may use, in steps, and a
// reservation that could not be made leaves nothing behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SoloError } from '@solo/protocol';
import { ACTOR_DATA_OVERHEAD_MB, DataLimit } from '../src/process/data-limit.ts';

const MIB = 1024 * 1024;

describe('DataLimit', () => {
  it('raises the limit only when the reservations pass it, by at least half again, and never lowers it', async () => {
    const raised: number[] = [];
    const d = new DataLimit({ baseMb: 256, raise: async (bytes) => void raised.push(bytes) });
    await d.reserve(16);
    // The base is what the host needs itself: the first actor raises it, by half again.
    assert.deepEqual(raised, [384 * MIB]);
    assert.equal(d.limitBytes, 384 * MIB);
    for (let i = 0; i < 20; i++) await d.reserve(16);
    const needed = (256 + 21 * (16 + ACTOR_DATA_OVERHEAD_MB)) * MIB;
    assert.ok(d.limitBytes >= needed, `${d.limitBytes} covers ${needed}`);
    assert.ok(raised.length >= 1 && raised.length <= 3, `few raises for 21 actors: ${raised.length}`);
    for (let i = 1; i < raised.length; i++) assert.ok((raised[i] ?? 0) >= (raised[i - 1] ?? 0) * 1.5);
    const before = d.limitBytes;
    for (let i = 0; i < 21; i++) d.release(16);
    assert.equal(d.limitBytes, before, 'released room stays in the limit');
    await d.reserve(16);
    assert.ok(raised.length <= 3, 'a reservation within the limit raises nothing');
  });

  it('undoes a reservation whose raise failed, and later reservations still raise', async () => {
    let fail = true;
    const d = new DataLimit({
      baseMb: 256,
      raise: async () => {
        if (fail) throw new SoloError('unavailable', 'prlimit failed');
      },
    });
    await assert.rejects(d.reserve(1024), { code: 'unavailable' });
    assert.equal(d.limitBytes, 256 * MIB);
    fail = false;
    await d.reserve(16);
    assert.equal(d.limitBytes, 384 * MIB, 'the failed reservation no longer counts: half again over the base is room enough');
    await d.reserve(1024);
    assert.ok(d.limitBytes >= (256 + 1024 + 16 + 2 * ACTOR_DATA_OVERHEAD_MB) * MIB);
  });

  it('raises one at a time when reservations come together', async () => {
    let inFlight = 0;
    let most = 0;
    const d = new DataLimit({
      baseMb: 256,
      raise: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
      },
    });
    await Promise.all(Array.from({ length: 10 }, () => d.reserve(200)));
    assert.equal(most, 1);
    assert.ok(d.limitBytes >= (256 + 10 * (200 + ACTOR_DATA_OVERHEAD_MB)) * MIB);
  });
});
