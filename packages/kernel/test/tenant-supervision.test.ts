// The tenant policy in the kernel state: applied by the reducer, kept beside other tenant fields, replayable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SoloEvent } from '@solo/protocol';
import { applyEvent, createKernelState } from '../src/state/kernel-state.ts';
import { tenantSupervision, tenantsWithSupervision } from '../src/state/tenant-supervision.ts';

const policy = { strategy: 'one_for_all', max_restarts: 1, max_seconds: 2, escalation: 'stop_all', backoff: { initial_ms: 0, multiplier: 2, max_ms: 5000, jitter: 0.2 } };
const ev = (seq: number, tenant: string, data: Record<string, unknown>): SoloEvent => ({ seq, type: 'supervisor_policy_set', tenant, service_id: null, at: `2025-01-01T00:00:0${seq}.000Z`, data });

describe('supervisor_policy_set in the kernel state', () => {
  it('sets the tenant policy with its time, keeps other tenant fields, and the last event wins', () => {
    const s = createKernelState();
    s.tenants['acme'] = { quota: 5 };
    applyEvent(s, ev(1, 'acme', { policy }));
    applyEvent(s, ev(2, 'acme', { policy: { ...policy, max_restarts: 9 } }));
    assert.equal(s.seq, 2);
    assert.deepEqual(tenantSupervision(s, 'acme'), { policy: { ...policy, max_restarts: 9 }, updated_at: '2025-01-01T00:00:02.000Z' });
    assert.equal((s.tenants['acme'] as Record<string, unknown>)['quota'], 5);
    assert.equal(tenantSupervision(s, 'other'), null);
    assert.deepEqual(tenantsWithSupervision(s).map(([t]) => t), ['acme']);
  });

  it('ignores an event without a policy and rebuilds the same state on replay', () => {
    const events = [ev(1, 'a', { policy }), ev(2, 'b', {}), ev(3, 'b', { policy })];
    const live = createKernelState();
    for (const e of events) applyEvent(live, e);
    const replayed = createKernelState();
    for (const e of JSON.parse(JSON.stringify(events)) as SoloEvent[]) applyEvent(replayed, e);
    assert.deepEqual(replayed, live);
    assert.equal(tenantSupervision(live, 'b')?.updated_at, '2025-01-01T00:00:03.000Z');
  });
});
