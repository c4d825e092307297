// How `solo ls` and `solo status` show a service's status to a person.
import type { ServiceStatus } from '@solo/protocol';
import { formatBytes, formatDuration } from './human-units.ts';
import { renderFields, renderTable } from './text-layout.ts';

function versionLabel(s: Pick<ServiceStatus, 'version' | 'code_version'>): string {
  return s.code_version === null ? `${s.version}` : `${s.version} (${s.code_version})`;
}

function uptimeLabel(s: ServiceStatus): string {
  return s.started_at === null ? '-' : formatDuration(s.uptime_ms);
}

/** `12s ago throw` for a crash at `at`, seen at `nowMs`; `-` without one. */
function crashLabel(s: ServiceStatus, nowMs: number): string {
  if (s.last_crash === null) return '-';
  return `${formatDuration(Math.max(0, nowMs - Date.parse(s.last_crash.at)))} ago ${s.last_crash.code}`;
}

/** The `solo ls` table: SERVICE STATUS VERSION MEMORY MAILBOX UPTIME RESTARTS SUPERVISOR LAST CRASH. */
export function formatServiceTable(services: readonly ServiceStatus[], nowMs: number = Date.now()): string {
  const rows = services.map((s) => [
    s.service_id,
    s.status,
    versionLabel(s),
    formatBytes(s.heap_bytes),
    String(s.mailbox_length),
    uptimeLabel(s),
    String(s.restarts),
    s.supervisor_state ?? '-',
    crashLabel(s, nowMs),
  ]);
  return renderTable(['SERVICE', 'STATUS', 'VERSION', 'MEMORY', 'MAILBOX', 'UPTIME', 'RESTARTS', 'SUPERVISOR', 'LAST CRASH'], rows);
}

/** The `solo status` block: one `key: value` line per fact, the last crash included. */
export function formatServiceStatus(s: ServiceStatus): string {
  const crash = s.last_crash === null ? 'none' : `${s.last_crash.at} ${s.last_crash.code}: ${s.last_crash.reason}`;
  return renderFields([
    ['service', s.service_id],
    ['tenant', s.tenant],
    ['status', `${s.status}${s.alive ? ' (alive)' : ''}`],
    ['version', versionLabel(s)],
    ['artifact', s.artifact_hash],
    ['memory', formatBytes(s.heap_bytes)],
    ['mailbox', String(s.mailbox_length)],
    ['handled', String(s.messages_handled)],
    ['supervisor', `${s.supervisor_state ?? 'not supervised'} (restart type ${s.restart})`],
    ['restarts', String(s.restarts)],
    ['uptime', uptimeLabel(s)],
    ['started at', s.started_at ?? '-'],
    ['deployed at', s.deployed_at],
    ['limits', `memory ${s.limits.memory_mb} MiB, cpu ${s.limits.cpu_ms} ms, wall ${s.limits.wall_ms} ms`],
    ...usageFields(s),
    ['last crash', crash],
  ]);
}

/** `usage` and `circuit` lines: what the service uses of each limit, and its breaker (when the node reports them). */
function usageFields(s: ServiceStatus): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const u = s.usage;
  if (u !== undefined) {
    const last = u.last_handler_ms === null ? '-' : `${u.last_handler_ms} ms`;
    out.push([
      'usage',
      `memory ${formatBytes(u.memory_bytes)} of ${formatBytes(u.memory_limit_bytes)}, mailbox ${u.mailbox_len} of ${u.mailbox_limit}, timers ${u.timers} of ${u.timers_limit}, last handler ${last} (wall limit ${u.wall_limit_ms} ms)`,
    ]);
    // Nodes older than issue #6 report no output usage.
    if (u.events_per_second_limit !== undefined) {
      out.push([
        'output',
        `events ${u.events_emitted} emitted, ${u.events_refused} refused, ${u.event_budget_left} of ${u.events_per_second_limit}/s left; log lines ${u.log_lines_dropped} dropped, ${u.log_lines_truncated} cut, ${u.log_budget_left} of ${u.log_lines_per_second_limit}/s left`,
      ]);
    }
  }
  const c = s.circuit;
  if (c !== undefined) {
    const open = c.state === 'closed' ? `${c.crashes} recent crash(es)` : `opened ${c.opened_at ?? '-'}, probe in ${c.retry_after_ms ?? 0} ms`;
    out.push(['circuit', `${c.state} (${open})`]);
  }
  return out;
}
