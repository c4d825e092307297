// How `solo tree`, `solo supervision` and `solo history` print for a person.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SupervisionPolicy } from '@solo/protocol';
import { formatHistory, formatSwap } from '../src/code-change-format.ts';
import { formatSupervision, formatTree } from '../src/supervision-format.ts';

const policy: SupervisionPolicy = {
  strategy: 'one_for_all',
  max_restarts: 3,
  max_seconds: 5,
  escalation: 'mark_failed',
  backoff: { initial_ms: 0, multiplier: 2, max_ms: 5000, jitter: 0.2 },
};

describe('formatTree', () => {
  it('draws the tenant supervisor and one aligned line per service', () => {
    const text = formatTree({
      tenant: 'acme',
      state: 'supervising',
      policy,
      escalations: 0,
      children: [
        { service_id: 'counter', state: 'running', restart: 'permanent', restarts: 0, last_crash: null },
        {
          service_id: 'crashy',
          state: 'backoff',
          restart: 'transient',
          restarts: 2,
          last_crash: { at: '2025-01-01T00:00:00.000Z', code: 'throw', reason: 'boom' },
        },
      ],
    });
    const lines = text.split('\n');
    assert.equal(lines[0], 'acme (one_for_all, 3 restarts in 5 s, escalation mark_failed) supervising');
    assert.match(lines[1] ?? '', /^├─ counter +running +permanent +restarts 0$/);
    assert.match(
      lines[2] ?? '',
      /^└─ crashy +backoff +transient +restarts 2 +last crash 2025-01-01T00:00:00\.000Z throw: boom$/,
    );
  });

  it('says when a tenant has no services, and counts escalations', () => {
    const text = formatTree({ tenant: 'acme', state: 'escalated', policy, escalations: 1, children: [] });
    assert.equal(
      text,
      'acme (one_for_all, 3 restarts in 5 s, escalation mark_failed) escalated, 1 escalation\n└─ (no services)',
    );
  });
});

describe('formatSupervision', () => {
  it('shows the policy and whether the tenant ever set it', () => {
    const text = formatSupervision({ tenant: 'acme', policy, updated_at: null, event_seq: null });
    assert.match(text, /^intensity: +3 restarts in 5 s$/m);
    assert.match(text, /^backoff: +none \(restarts at once\), x2 per restart, max 5000 ms, jitter 0\.2$/m);
    assert.match(text, /^updated at: +never \(defaults\)$/m);
  });
});

describe('code change output', () => {
  it('marks the running version in the history and describes the watchdog of a swap', () => {
    const h = formatHistory({
      service_id: 'c',
      current_version: 1,
      versions: [
        {
          version: 1,
          code_version: '1.0.0',
          artifact_hash: 'a'.repeat(64),
          at: '2025-01-02T00:00:00.000Z',
          via: 'rollback',
        },
        { version: 2, code_version: null, artifact_hash: 'b'.repeat(64), at: '2025-01-01T00:00:00.000Z', via: 'swap' },
      ],
    }).split('\n');
    assert.match(h[0] ?? '', /^VERSION +CODE +VIA +AT +ARTIFACT$/);
    assert.match(h[1] ?? '', /^1 \* +1\.0\.0 +rollback /);
    assert.match(h[2] ?? '', /^2 +- +swap /);
    const s = formatSwap({
      service_id: 'c',
      version: 2,
      from_version: 1,
      code_version: '2.0.0',
      artifact_hash: 'b'.repeat(64),
      rollback_window_ms: 30_000,
      swapped_at: '',
      switch_ms: 1.2,
      duration_ms: 9,
      event_seq: 7,
    });
    assert.match(s, /^swapped: +c 1 -> 2 \(code 2\.0\.0\)$/m);
    assert.match(s, /^watchdog: +30s: a crash before then restores version 1 and its state$/m);
  });
});
