// How `solo supervision` and `solo tree` show a tenant's supervision policy and its live tree to a person.
import type { SupervisionPolicy, SupervisionReply, TreeReply } from '@solo/protocol';
import { renderFields, renderTable } from './text-layout.ts';

/** `3 restarts in 5 s`. */
export function intensityLabel(p: SupervisionPolicy): string {
  return `${p.max_restarts} restart${p.max_restarts === 1 ? '' : 's'} in ${p.max_seconds} s`;
}

/** `0 ms, x2, max 5000 ms, jitter 0.2` (`none` when every restart is immediate). */
export function backoffLabel(p: SupervisionPolicy): string {
  const b = p.backoff;
  const first = b.initial_ms === 0 ? 'none (restarts at once)' : `${b.initial_ms} ms`;
  return `${first}, x${b.multiplier} per restart, max ${b.max_ms} ms, jitter ${b.jitter}`;
}

/** The `solo supervision` block. */
export function formatSupervision(r: SupervisionReply): string {
  return renderFields([
    ['tenant', r.tenant],
    ['strategy', r.policy.strategy],
    ['intensity', intensityLabel(r.policy)],
    ['escalation', r.policy.escalation],
    ['backoff', backoffLabel(r.policy)],
    ['updated at', r.updated_at ?? 'never (defaults)'],
  ]);
}

/** The `solo tree` drawing: the tenant supervisor, then one line per service in deploy order. */
export function formatTree(t: TreeReply): string {
  const head = `${t.tenant} (${t.policy.strategy}, ${intensityLabel(t.policy)}, escalation ${t.policy.escalation}) ${t.state}${t.escalations > 0 ? `, ${t.escalations} escalation${t.escalations === 1 ? '' : 's'}` : ''}`;
  if (t.children.length === 0) return `${head}\n└─ (no services)`;
  const rows = t.children.map((c, i) => [
    `${i === t.children.length - 1 ? '└─' : '├─'} ${c.service_id}`,
    c.state,
    c.restart,
    `restarts ${c.restarts}`,
    c.last_crash === null ? '' : `last crash ${c.last_crash.at} ${c.last_crash.code}: ${c.last_crash.reason}`,
  ]);
  // The table's header row is the tenant line; the columns line up the services under it.
  const table = renderTable(['', '', '', '', ''], rows).split('\n').slice(1).join('\n');
  return `${head}\n${table}`;
}
