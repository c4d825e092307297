// How `solo swap`, `solo replace`, `solo rollback` and `solo history` show their results to a person.
import type { HistoryReply, ReplaceReply, RollbackReply, SwapReply } from '@solo/protocol';
import { formatDuration } from './human-units.ts';
import { renderFields, renderTable } from './text-layout.ts';

const label = (version: number, code: string | null): string =>
  code === null ? `${version}` : `${version} (code ${code})`;

/** The `solo swap` block. */
export function formatSwap(r: SwapReply): string {
  return renderFields([
    ['swapped', `${r.service_id} ${r.from_version} -> ${label(r.version, r.code_version)}`],
    ['artifact', r.artifact_hash],
    ['switch', `${r.switch_ms} ms (mailbox held)`],
    ['took', `${r.duration_ms} ms`],
    [
      'watchdog',
      r.rollback_window_ms === 0
        ? 'closed (no rollback window)'
        : `${formatDuration(r.rollback_window_ms)}: a crash before then restores version ${r.from_version} and its state`,
    ],
  ]);
}

/** The `solo replace` block. */
export function formatReplace(r: ReplaceReply): string {
  return renderFields([
    ['replaced', `${r.service_id} ${r.from_version} -> ${label(r.version, r.code_version)}, fresh state`],
    ['artifact', r.artifact_hash],
    ['took', `${r.duration_ms} ms`],
  ]);
}

/** The `solo rollback` block. */
export function formatRollback(r: RollbackReply): string {
  return renderFields([
    ['rolled back', `${r.service_id} ${r.from_version} -> ${label(r.version, r.code_version)}, fresh state`],
    ['artifact', r.artifact_hash],
  ]);
}

/** The `solo history` table, newest first; the current version is marked. */
export function formatHistory(h: HistoryReply): string {
  const rows = h.versions.map((v, i) => [
    i === 0 ? `${v.version} *` : `${v.version}`,
    v.code_version ?? '-',
    v.via,
    v.at,
    v.artifact_hash,
  ]);
  return renderTable(['VERSION', 'CODE', 'VIA', 'AT', 'ARTIFACT'], rows);
}
