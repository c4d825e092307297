// The `solo ls` table and the `solo status` block.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatServiceStatus, formatServiceTable } from '../src/service-status-format.ts';
import { sampleStatus } from './sample-status.ts';

describe('formatServiceTable', () => {
  it('shows memory and uptime for people, and - when the service never started', () => {
    const now = Date.parse('2025-01-02T00:00:12.000Z');
    const text = formatServiceTable(
      [
        sampleStatus(),
        sampleStatus({ service_id: 'idle', status: 'stopped', started_at: null, code_version: null, supervisor_state: 'stopped' }),
        sampleStatus({ service_id: 'flaky', status: 'restarting', supervisor_state: 'backoff', last_crash: { at: '2025-01-02T00:00:00.000Z', code: 'throw', reason: 'boom' } }),
      ],
      now,
    );
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^SERVICE\s+STATUS\s+VERSION\s+MEMORY\s+MAILBOX\s+UPTIME\s+RESTARTS\s+SUPERVISOR\s+LAST CRASH$/);
    assert.match(lines[1] ?? '', /^counter\s+running\s+2 \(1\.2\.0\)\s+3\.0 MiB\s+4\s+5m12s\s+1\s+running\s+-$/);
    assert.match(lines[2] ?? '', /^idle\s+stopped\s+2\s+3\.0 MiB\s+4\s+-\s+1\s+stopped\s+-$/);
    assert.match(lines[3] ?? '', /^flaky\s+restarting\s+.*\s+backoff\s+12s ago throw$/);
  });
});

describe('formatServiceStatus', () => {
  it('includes the last crash', () => {
    const text = formatServiceStatus(
      sampleStatus({ last_crash: { at: '2025-01-02T00:00:00.000Z', code: 'service_crashed', reason: 'boom' } }),
    );
    assert.match(text, /^last crash: +2025-01-02T00:00:00\.000Z service_crashed: boom$/m);
    assert.match(text, /^status: +running \(alive\)$/m);
    assert.match(text, /^supervisor: +running \(restart type permanent\)$/m);
  });

  it('shows usage against each limit and the circuit breaker when the node reports them', () => {
    const text = formatServiceStatus(
      sampleStatus({
        usage: {
          memory_bytes: 1024 * 1024,
          memory_limit_bytes: 32 * 1024 * 1024,
          mailbox_len: 3,
          mailbox_limit: 1000,
          timers: 2,
          timers_limit: 100,
          last_handler_ms: 1.5,
          wall_limit_ms: 5000,
          cpu_limit_ms: 1000,
          tenant_in_flight: 0,
          events_emitted: 12,
          events_refused: 1,
          event_budget_left: 88,
          events_per_second_limit: 100,
          log_lines_dropped: 4,
          log_lines_truncated: 2,
          log_budget_left: 0,
          log_lines_per_second_limit: 200,
        },
        circuit: { state: 'open', crashes: 5, opened_at: '2025-01-02T00:00:00.000Z', retry_after_ms: 800, cooldown_ms: 1000 },
      }),
    );
    assert.match(text, /^usage: +memory 1\.0 MiB of 32 MiB, mailbox 3 of 1000, timers 2 of 100, last handler 1\.5 ms \(wall limit 5000 ms\)$/m);
    assert.match(text, /^output: +events 12 emitted, 1 refused, 88 of 100\/s left; log lines 4 dropped, 2 cut, 0 of 200\/s left$/m);
    assert.match(text, /^circuit: +open \(opened 2025-01-02T00:00:00\.000Z, probe in 800 ms\)$/m);
    assert.doesNotMatch(formatServiceStatus(sampleStatus()), /^usage:/m);
  });
});
