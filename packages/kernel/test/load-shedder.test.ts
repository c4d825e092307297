import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, waitFor } from '@solo/testkit';
import { resolveAdmissionOptions } from '../src/admission/admission-options.ts';
import { decideShed, decideTurnShed, retryAfterMs, type ShedInput, type TurnInput } from '../src/admission/fair-share.ts';
import { LoadShedder } from '../src/admission/load-shedder.ts';
import { LoadSignals, type LoadSample } from '../src/admission/load-signals.ts';

const OPTS = { maxInFlight: 10, maxEventLoopLagMs: 100, maxRssBytes: 1000, sampleIntervalMs: 100, turnBudgetMs: 50 };

describe('decideShed', () => {
  const base: ShedInput = { tenantInFlight: 0, totalInFlight: 0, activeTenants: 0, pressure: false, maxInFlight: 10 };
  const cases: [string, Partial<ShedInput>, boolean][] = [
    ['admits anyone below the ceiling without pressure', { tenantInFlight: 9, totalInFlight: 9, activeTenants: 1 }, false],
    ['sheds the only tenant at the ceiling', { tenantInFlight: 10, totalInFlight: 10, activeTenants: 1 }, true],
    ['admits a tenant with nothing in flight at the ceiling', { tenantInFlight: 0, totalInFlight: 10, activeTenants: 1 }, false],
    ['admits a tenant under its fair share at the ceiling', { tenantInFlight: 2, totalInFlight: 12, activeTenants: 2 }, false],
    ['sheds a tenant over its fair share at the ceiling', { tenantInFlight: 10, totalInFlight: 12, activeTenants: 2 }, true],
    ['sheds tenants at an equal share under pressure', { tenantInFlight: 3, totalInFlight: 6, activeTenants: 2, pressure: true }, true],
    ['admits a tenant with nothing in flight under pressure', { tenantInFlight: 0, totalInFlight: 0, activeTenants: 0, pressure: true }, false],
    ['sheds everyone at twice the ceiling', { tenantInFlight: 0, totalInFlight: 20, activeTenants: 5 }, true],
  ];
  for (const [name, over, shed] of cases) {
    it(name, () => assert.equal(decideShed({ ...base, ...over }).shed, shed));
  }
});

describe('decideTurnShed', () => {
  const base: TurnInput = { tenantMs: 0, totalMs: 0, activeTenants: 0, budgetMs: 50, othersWaiting: true };
  const cases: [string, Partial<TurnInput>, boolean][] = [
    ['admits anyone while the turn is under its budget', { tenantMs: 49, totalMs: 49, activeTenants: 1 }, false],
    ['sheds the tenant that took the whole turn', { tenantMs: 60, totalMs: 60, activeTenants: 1 }, true],
    ['admits a tenant that took nothing of the turn', { tenantMs: 0, totalMs: 60, activeTenants: 1 }, false],
    ['admits a tenant under an equal split', { tenantMs: 5, totalMs: 60, activeTenants: 2 }, false],
    ['sheds a tenant over an equal split', { tenantMs: 55, totalMs: 60, activeTenants: 2 }, true],
    ['admits a tenant alone on the node whatever it took', { tenantMs: 500, totalMs: 500, activeTenants: 1, othersWaiting: false }, false],
  ];
  for (const [name, over, shed] of cases) {
    it(name, () => assert.equal(decideTurnShed({ ...base, ...over }).shed, shed));
  }
});

describe('retryAfterMs', () => {
  it('grows with lag and with how far the tenant is over its share, within 5 s', () => {
    assert.equal(retryAfterMs({ lagMs: 0, tenantInFlight: 1, fairShare: 1, minMs: 200 }), 200);
    assert.equal(retryAfterMs({ lagMs: 300, tenantInFlight: 1, fairShare: 1, minMs: 200 }), 600);
    assert.equal(retryAfterMs({ lagMs: 0, tenantInFlight: 4, fairShare: 2, minMs: 200 }), 400);
    assert.equal(retryAfterMs({ lagMs: 10_000, tenantInFlight: 100, fairShare: 1, minMs: 200 }), 5000);
  });
});

describe('LoadShedder', () => {
  it('counts in-flight work per tenant and gives it back on release', () => {
    const s = new LoadShedder(OPTS);
    s.admit(s.loadOf('a'));
    s.admit(s.loadOf('a'));
    s.admit(s.loadOf('b'));
    assert.equal(s.inFlight, 3);
    assert.equal(s.inFlightOf('a'), 2);
    s.release(s.loadOf('a'));
    s.release(s.loadOf('a'));
    s.release(s.loadOf('a')); // an extra release never drives the counts below zero
    assert.equal(s.inFlightOf('a'), 0);
    assert.equal(s.inFlight, 1);
  });

  it('refuses the flooding tenant with overloaded and a retry hint, and admits the quiet one', () => {
    const s = new LoadShedder(OPTS);
    for (let i = 0; i < 10; i++) s.admit(s.loadOf('flood'));
    assert.throws(
      () => s.admit(s.loadOf('flood')),
      (err: { code: string; details: Record<string, unknown> }) => {
        assert.equal(err.code, 'overloaded');
        assert.equal(err.details['reason'], 'in_flight');
        assert.equal(err.details['tenant_in_flight'], 10);
        assert.ok(Number(err.details['retry_after_ms']) > 0);
        return true;
      },
    );
    s.admit(s.loadOf('quiet'));
    assert.equal(s.inFlightOf('quiet'), 1);
    assert.equal(s.inFlightOf('flood'), 10, 'a refused request takes no slot');
  });

  it('sheds under event-loop lag until the lag falls under half its ceiling', () => {
    const s = new LoadShedder(OPTS);
    s.admit(s.loadOf('a'));
    const sample = (lagMs: number): LoadSample => ({ lagMs, rssBytes: 0 });
    s.observe(sample(150));
    assert.equal(s.pressure, 'event_loop_lag');
    assert.throws(() => s.admit(s.loadOf('a')), { code: 'overloaded' });
    s.observe(sample(80));
    assert.equal(s.pressure, 'event_loop_lag', 'still over half the ceiling');
    s.observe(sample(40));
    assert.equal(s.pressure, null);
    s.admit(s.loadOf('a'));
  });

  it('never sheds a nested request (a ctx.call of admitted work), but counts it', () => {
    const s = new LoadShedder(OPTS);
    const a = s.loadOf('a');
    s.admit(a);
    s.observe({ lagMs: 150, rssBytes: 0 });
    assert.throws(() => s.admit(a), { code: 'overloaded' }, 'a new request of the same tenant is shed');
    s.admit(a, true);
    assert.equal(a.inFlight, 2);
    s.release(a);
    s.release(a);
    assert.equal(a.inFlight, 0);
  });

  it('sheds while resident memory is over its ceiling', () => {
    const s = new LoadShedder(OPTS);
    s.admit(s.loadOf('a'));
    s.observe({ lagMs: 0, rssBytes: 2000 });
    assert.equal(s.pressure, 'memory');
    assert.throws(() => s.admit(s.loadOf('a')), (err: { code: string; details: Record<string, unknown> }) => err.code === 'overloaded' && err.details['reason'] === 'memory');
    s.observe({ lagMs: 0, rssBytes: 500 });
    assert.equal(s.pressure, null);
  });
});

describe('LoadShedder turns', () => {
  it('refuses the tenant whose handlers took the turn until the turn ends, and admits the others', () => {
    const clock = new ManualClock();
    const s = new LoadShedder(OPTS, () => clock.now());
    s.admit(s.loadOf('quiet'));
    s.release(s.loadOf('quiet'));
    clock.advance(40);
    s.noteBusy(s.loadOf('burner'), 40);
    s.admit(s.loadOf('burner'));
    s.release(s.loadOf('burner'));
    clock.advance(20);
    s.noteBusy(s.loadOf('burner'), 20);
    assert.throws(
      () => s.admit(s.loadOf('burner')),
      (err: { code: string; details: Record<string, unknown> }) => err.code === 'overloaded' && err.details['reason'] === 'event_loop_busy' && Number(err.details['retry_after_ms']) >= 50,
    );
    s.admit(s.loadOf('quiet'));
    s.release(s.loadOf('quiet'));
    clock.advance(2); // a break: the loop got to other work, a new turn begins
    s.admit(s.loadOf('burner'));
    assert.equal(s.inFlightOf('burner'), 1);
  });

  it('leaves a tenant alone on the node to the other rules', () => {
    const clock = new ManualClock();
    const s = new LoadShedder(OPTS, () => clock.now());
    s.noteBusy(s.loadOf('solo'), 500);
    s.admit(s.loadOf('solo'));
    assert.equal(s.inFlightOf('solo'), 1);
  });

  it('never sheds by turn when the budget is 0', () => {
    const s = new LoadShedder({ ...OPTS, turnBudgetMs: 0 });
    s.noteBusy(s.loadOf('burner'), 10_000);
    s.admit(s.loadOf('burner'));
  });
});

describe('resolveAdmissionOptions', () => {
  it('applies defaults', () => {
    const o = resolveAdmissionOptions();
    assert.equal(o.maxInFlight, 4096);
    assert.equal(o.maxEventLoopLagMs, 100);
    assert.ok(o.maxRssBytes > 0);
    assert.equal(o.accounting, true);
  });
  it('refuses values out of range with invalid_request', () => {
    for (const bad of [{ maxInFlight: 0 }, { maxEventLoopLagMs: 1.5 }, { maxRssBytes: -1 }, { sampleIntervalMs: 1 }, { maxInFlight: Number.NaN }, { turnBudgetMs: -1 }]) {
      assert.throws(() => resolveAdmissionOptions(bad), { code: 'invalid_request' }, JSON.stringify(bad));
    }
  });
});

describe('LoadSignals', () => {
  it('reports the lag of a blocked event loop', async () => {
    const samples: LoadSample[] = [];
    const signals = new LoadSignals({ intervalMs: 50, onSample: (s) => samples.push(s) });
    signals.start();
    try {
      await waitFor(() => samples.length > 0, { timeoutMs: 10_000 });
      const t = Date.now();
      while (Date.now() - t < 400); // a handler that never yields
      await waitFor(() => samples.some((s) => s.lagMs >= 200), { timeoutMs: 10_000, message: 'no sample saw the blocked loop' });
      assert.ok(samples.every((s) => s.rssBytes > 0));
    } finally {
      signals.stop();
    }
  });
});
