// The denial watch behind AuditLog's security alerts: thresholds, windows, bounded memory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@solo/testkit';
import type { AuditRecord } from '@solo/protocol';
import { DenialWatch } from '../src/security/denial-watch.ts';
import type { SecurityAlert } from '../src/security/denial-watch.ts';

const denial = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  at: '2024-05-01T12:00:00.000Z',
  door: 'nats',
  verb: 'deploy',
  tenant: 'acme',
  token_id: 'tok_a',
  outcome: 'forbidden',
  correlation_id: 'c',
  duration_ms: 1,
  ...over,
});

/** Feeds `n` records one second apart and collects the alerts. */
function feed(w: DenialWatch, clock: ManualClock, n: number, r: AuditRecord, stepMs = 1000): SecurityAlert[] {
  const out: SecurityAlert[] = [];
  for (let i = 0; i < n; i++) {
    out.push(...w.observe(r, clock.now()));
    clock.advance(stepMs);
  }
  return out;
}

describe('DenialWatch', () => {
  it('stays quiet for 9 denials and alerts on the 10th, once per token and once per tenant', () => {
    const clock = new ManualClock();
    const w = new DenialWatch();
    assert.deepEqual(feed(w, clock, 9, denial()), []);
    const alerts = w.observe(denial({ verb: 'kill', outcome: 'unauthorized' }), clock.now());
    assert.deepEqual(alerts, [
      { key_kind: 'token', key: 'tok_a', tenant: 'acme', denials: 10, window_ms: 60_000, last_verb: 'kill', last_outcome: 'unauthorized' },
      { key_kind: 'tenant', key: 'acme', tenant: 'acme', denials: 10, window_ms: 60_000, last_verb: 'kill', last_outcome: 'unauthorized' },
    ]);
  });

  it('does not alert again within the window, and alerts again in the next one', () => {
    const clock = new ManualClock();
    const w = new DenialWatch();
    assert.equal(feed(w, clock, 10, denial(), 100).length, 2);
    // 20 more within the same 60 s.
    assert.deepEqual(feed(w, clock, 20, denial(), 100), []);
    clock.advance(60_000);
    assert.deepEqual(feed(w, clock, 9, denial(), 100), []);
    assert.deepEqual(
      feed(w, clock, 1, denial()).map((a) => a.key_kind),
      ['token', 'tenant'],
    );
  });

  it('keeps alerting once per window under a steady flood', () => {
    const clock = new ManualClock();
    const w = new DenialWatch();
    // One denial a second for five minutes: the first alert at 10 s, then one per 60 s.
    const alerts = feed(w, clock, 300, denial({ token_id: null }));
    assert.equal(alerts.length, 5);
  });

  it('counts in a sliding window, not in fixed buckets', () => {
    const clock = new ManualClock();
    const w = new DenialWatch();
    assert.deepEqual(feed(w, clock, 5, denial({ token_id: null }), 1), []);
    clock.advance(55_000);
    assert.equal(feed(w, clock, 5, denial({ token_id: null }), 1).length, 1);

    const w2 = new DenialWatch();
    assert.deepEqual(feed(w2, clock, 5, denial({ token_id: null }), 1), []);
    clock.advance(61_000);
    // The first five left the window: five more are not ten.
    assert.deepEqual(feed(w2, clock, 5, denial({ token_id: null }), 1), []);
  });

  it('counts a tenant over all its tokens, and requests without a tenant under _', () => {
    const clock = new ManualClock();
    const w = new DenialWatch();
    const alerts: SecurityAlert[] = [];
    for (let i = 0; i < 10; i++) alerts.push(...w.observe(denial({ token_id: `tok_${i}`, outcome: 'rate_limited' }), clock.now()));
    assert.deepEqual(alerts.map((a) => [a.key_kind, a.key]), [['tenant', 'acme']]);
    const anon = feed(w, clock, 10, denial({ tenant: null, token_id: null, verb: 'tenant_create', outcome: 'unauthorized' }));
    assert.deepEqual(anon, [{ key_kind: 'tenant', key: '_', tenant: null, denials: 10, window_ms: 60_000, last_verb: 'tenant_create', last_outcome: 'unauthorized' }]);
  });

  it('never counts ok or other error outcomes', () => {
    const clock = new ManualClock();
    const w = new DenialWatch();
    for (const outcome of ['ok', 'not_found', 'internal', 'invalid_request', 'timeout', 'FORBIDDEN']) {
      assert.deepEqual(feed(w, clock, 50, denial({ outcome }), 1), []);
    }
    assert.equal(w.trackedKeys, 0);
    // Successes between denials neither reset nor add to the count.
    const mixed: SecurityAlert[] = [];
    for (let i = 0; i < 10; i++) {
      mixed.push(...w.observe(denial(), clock.now()));
      mixed.push(...w.observe(denial({ outcome: 'ok' }), clock.now()));
    }
    assert.equal(mixed.length, 2);
  });

  it('keeps the tracked keys bounded under a flood of distinct keys, forgetting the stalest first', () => {
    const clock = new ManualClock();
    const w = new DenialWatch({ maxTrackedKeys: 100 });
    feed(w, clock, 9, denial({ tenant: 'victim', token_id: null }), 1);
    const victimAlerts: SecurityAlert[] = [];
    for (let i = 0; i < 10_000; i++) {
      w.observe(denial({ tenant: `t${i}`, token_id: `tok_${i}` }), clock.now());
      assert.ok(w.trackedKeys <= 100);
      // Denied again every 25 records (50 new keys), the victim stays among the 100 most recent keys: had it been
      // evicted, it would have lost its alert time and alerted again.
      if (i % 25 === 0) victimAlerts.push(...w.observe(denial({ tenant: 'victim', token_id: null }), clock.now()));
    }
    assert.equal(w.trackedKeys, 100);
    assert.equal(victimAlerts.length, 1);
    const big = new DenialWatch();
    for (let i = 0; i < 50_000; i++) big.observe(denial({ tenant: `t${i}`, token_id: null }), clock.now());
    assert.equal(big.trackedKeys, 10_000);
  });

  it('forgets an evicted key, so it starts counting again', () => {
    const clock = new ManualClock();
    const w = new DenialWatch({ maxTrackedKeys: 2 });
    feed(w, clock, 9, denial({ token_id: null }), 1);
    w.observe(denial({ tenant: 'b', token_id: null }), clock.now());
    w.observe(denial({ tenant: 'c', token_id: null }), clock.now());
    assert.deepEqual(w.observe(denial({ token_id: null }), clock.now()), []);
  });

  it('clips long keys', () => {
    const clock = new ManualClock();
    const w = new DenialWatch({ alertThreshold: 1 });
    const [a] = w.observe(denial({ tenant: 'x'.repeat(10_000), token_id: null }), clock.now());
    assert.equal(a?.key.length, 256);
  });

  it('honours a custom threshold and window', () => {
    const clock = new ManualClock();
    const w = new DenialWatch({ alertThreshold: 3, alertWindowMs: 1000 });
    // 0, 500 and 1000 ms: the first is a full window old when the third arrives.
    assert.equal(feed(w, clock, 3, denial({ token_id: null }), 500).length, 0);
    const w2 = new DenialWatch({ alertThreshold: 3, alertWindowMs: 1000 });
    assert.equal(feed(w2, clock, 3, denial({ token_id: null }), 300).length, 1);
  });

  const bad: Array<[string, ConstructorParameters<typeof DenialWatch>[0], string]> = [
    ['a zero threshold', { alertThreshold: 0 }, 'alertThreshold'],
    ['a threshold over 1000', { alertThreshold: 1001 }, 'alertThreshold'],
    ['a fractional window', { alertWindowMs: 0.5 }, 'alertWindowMs'],
    ['a window over a day', { alertWindowMs: 86_400_001 }, 'alertWindowMs'],
    ['a NaN key cap', { maxTrackedKeys: Number.NaN }, 'maxTrackedKeys'],
    ['a negative key cap', { maxTrackedKeys: -1 }, 'maxTrackedKeys'],
  ];
  for (const [why, opts, field] of bad) {
    it(`rejects ${why} with invalid_request`, () => {
      assert.throws(() => new DenialWatch(opts), (err: { code?: string; details?: { field?: string } }) => err.code === 'invalid_request' && err.details?.field === field);
    });
  }
});
