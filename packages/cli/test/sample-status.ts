// Test helper: a complete ServiceStatus for formatting tests and fake node replies.
import type { ServiceStatus } from '@solo/protocol';

/** A service status with every field set; tests override what they look at. */
export function sampleStatus(over: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    service_id: 'counter',
    tenant: 'acme',
    status: 'running',
    alive: true,
    version: 2,
    code_version: '1.2.0',
    artifact_hash: 'ab'.repeat(32),
    heap_bytes: 3 * 1024 * 1024,
    mailbox_length: 4,
    messages_handled: 10,
    restarts: 1,
    uptime_ms: 312_000,
    started_at: '2025-01-01T00:00:00.000Z',
    deployed_at: '2025-01-01T00:00:00.000Z',
    last_crash: null,
    supervisor_state: 'running',
    limits: {
      memory_mb: 32,
      cpu_ms: 1000,
      wall_ms: 5000,
      mailbox_len: 1000,
      max_message_bytes: 1_048_576,
      max_reply_bytes: 1_048_576,
      max_timers: 1000,
      max_event_bytes: 65_536,
      max_events_per_second: 100,
      max_log_lines_per_second: 200,
      circuit_crashes: 5,
      circuit_window_ms: 10_000,
      circuit_cooldown_ms: 1000,
    },
    restart: 'permanent',
    durable: false,
    ...over,
  };
}
