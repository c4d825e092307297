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
    ['last crash', crash],
  ]);
}
