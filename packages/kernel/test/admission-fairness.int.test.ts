// Load shedding with per-tenant fairness against a real kernel: a tenant that floods the node is refused with
// `overloaded` while a quiet tenant's calls keep getting through. Calls go through `kernel.call` from many
// concurrent requesters, the path every door and `ctx.call` take.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseServiceId, type Json, type TenantId } from '@solo/protocol';
import { waitFor } from '@solo/testkit';
import { WORKER_SOURCE, newTenant, outcome, startTestKernel, type TestKernel } from './admission-kernel.ts';

const MAX_IN_FLIGHT = 32;

let k: TestKernel;
before(async () => {
  k = await startTestKernel({ admission: { maxInFlight: MAX_IN_FLIGHT } });
});
after(async () => {
  await k?.stop();
});

const call = (t: TenantId, s: string, m: Json) => outcome(k.kernel.call(t, parseServiceId(s), m, { timeoutMs: 30_000 }));

describe('load shedding', () => {
  it('refuses a tenant at the in-flight ceiling with overloaded and a retry hint, and admits another tenant', async () => {
    const a = newTenant();
    const b = newTenant();
    await k.deploy(a, 'w', WORKER_SOURCE);
    await k.deploy(b, 'w', WORKER_SOURCE);
    // Sent in one go: the first MAX_IN_FLIGHT are admitted, the rest find tenant a at its (whole) share.
    const flood = Array.from({ length: MAX_IN_FLIGHT + 8 }, () => call(a, 'w', {}));
    const quiet = call(b, 'w', {});
    const results = await Promise.all(flood);
    const shed = results.filter((r) => !r.ok);
    assert.equal(results.filter((r) => r.ok).length, MAX_IN_FLIGHT);
    assert.equal(shed.length, 8);
    for (const r of shed) {
      assert.ok(!r.ok && r.code === 'overloaded', JSON.stringify(r));
      assert.ok(Number(r.details?.['retry_after_ms']) > 0);
      assert.equal(r.details?.['reason'], 'in_flight');
    }
    assert.deepEqual(await quiet, { ok: true, reply: 1 }, 'the other tenant was under its share');
    assert.equal(k.kernel.status(a, parseServiceId('w')).usage?.tenant_in_flight, 0, 'every slot was given back');
    assert.ok((await call(a, 'w', {})).ok, 'the flooding tenant is admitted again once its work is done');
  });

  it("keeps a quiet tenant's success rate at 99% or more while another floods the node", async () => {
    const flooder = newTenant();
    const quiet = newTenant();
    await k.deploy(flooder, 'burner', WORKER_SOURCE, { limits: { mailbox_len: 100_000 } });
    await k.deploy(quiet, 'steady', WORKER_SOURCE);
    let stop = false;
    let overloaded = 0;
    let served = 0;
    // 8x the node's in-flight capacity, each requester retrying at once and ignoring the retry hint.
    const requesters = Array.from({ length: MAX_IN_FLIGHT * 8 }, async () => {
      while (!stop) {
        const r = await call(flooder, 'burner', { burnMs: 1 });
        if (r.ok) served++;
        else if (r.code === 'overloaded') overloaded++;
        await yieldToLoop();
      }
    });
    const quietResults: boolean[] = [];
    await waitFor(() => overloaded > 0, { timeoutMs: 30_000, message: 'the flooding tenant was never shed' });
    // A bounded run: up to 100 sequential calls, or what fits in 15 s on a slow machine.
    const until = Date.now() + 15_000;
    while (quietResults.length < 100 && Date.now() < until) {
      quietResults.push((await call(quiet, 'steady', {})).ok);
      await yieldToLoop();
    }
    stop = true;
    await Promise.all(requesters);
    const rate = quietResults.filter(Boolean).length / quietResults.length;
    assert.ok(quietResults.length >= 20, `the quiet tenant got only ${quietResults.length} calls done`);
    assert.ok(rate >= 0.99, `quiet tenant success rate ${rate} over ${quietResults.length} calls`);
    assert.ok(overloaded > 0 && served > 0, `flooder: ${served} served, ${overloaded} shed`);
  });
});
