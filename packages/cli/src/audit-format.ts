// `solo audit export` output: audit records as JSON Lines or CSV, and the `--since` value (ISO-8601 or `15m`, `2h`, `7d`).
// Verbs, service ids and tenants in a record can come from callers, so the CSV is safe to open in a spreadsheet.
import { SoloError } from '@solo/protocol';
import type { AuditRecord } from '@solo/protocol';

/** Output formats of an audit export. */
export const AUDIT_FORMATS = ['json', 'csv'] as const;
/** One output format of an audit export. */
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** CSV columns, in order; also the keys of each JSON line, so both formats list fields alike. */
const COLUMNS = ['at', 'door', 'verb', 'tenant', 'token_id', 'outcome', 'correlation_id', 'duration_ms', 'service_id'] as const;

/**
 * Formats records for a file or a pipe.
 * - `json`: JSON Lines, one object per record and line, each line ending in `\n` (empty output for no records).
 *   Chosen over one JSON array because it streams: `jq`, `grep` and line-by-line loaders need no full parse.
 *   Keys come in column order; `service_id` only when the record has one. U+0085, U+2028 and U+2029 are escaped so
 *   that no line splitter (Python's `splitlines`, some editors) breaks a record in two.
 * - `csv`: RFC 4180 with a header row and CRLF line ends. A null or absent field is an empty cell. A cell that a
 *   spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR, or their full-width forms) is
 *   prefixed with `'`; a cell holding a comma, quote, CR or LF is quoted, with its quotes doubled.
 */
export function formatAuditRecords(records: AuditRecord[], format: AuditFormat): string {
  if (format === 'json') return records.map((r) => `${toJsonLine(r)}\n`).join('');
  if (format === 'csv') return [COLUMNS.join(','), ...records.map(toCsvRow)].map((row) => `${row}\r\n`).join('');
  throw new SoloError('invalid_request', `Unknown audit format '${String(format)}'. Use --format json or --format csv.`, { details: { field: 'format' } });
}

function toJsonLine(r: AuditRecord): string {
  const ordered: Record<string, unknown> = {};
  for (const c of COLUMNS) if (r[c] !== undefined) ordered[c] = r[c];
  return JSON.stringify(ordered).replace(/[\u0085\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function toCsvRow(r: AuditRecord): string {
  return COLUMNS.map((c) => csvCell(r[c])).join(',');
}

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), plus their full-width forms. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 cell, defused against formula injection. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const RELATIVE = /^(\d{1,9})(s|m|h|d|w)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** A calendar date, optionally a time (seconds and fraction optional) and a zone. Without a zone the time is local. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Reads a `--since` value: an ISO-8601 time (`2024-05-01`, `2024-05-01T12:00:00Z`, `2024-05-01T14:00+02:00`; a
 * date alone is midnight UTC, a time without zone is local) or a duration before `now`: `<n>s`, `m`, `h`, `d`, `w`.
 * @throws `invalid_request` for anything else, or an impossible date such as 2024-02-30.
 */
export function parseSince(text: string, now: Date): Date {
  const value = typeof text === 'string' ? text.trim() : '';
  const rel = RELATIVE.exec(value);
  if (rel !== null) {
    const ms = Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS];
    const at = new Date(now.getTime() - ms);
    if (!Number.isNaN(at.getTime())) return at;
  }
  const iso = ISO.exec(value);
  if (iso !== null && validParts(iso)) {
    const at = new Date(value.replace(' ', 'T'));
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new SoloError(
    'invalid_request',
    `Invalid --since '${String(text).slice(0, 60)}'. Pass an ISO-8601 time such as 2024-05-01T12:00:00Z, or a duration before now such as 15m, 2h or 7d.`,
    { details: { field: 'since' } },
  );
}

/** Date.parse accepts 2024-02-31 (as 2 March); an audit range must not silently move, so check the calendar. */
function validParts(m: RegExpExecArray): boolean {
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (m[4] === undefined) return true;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && (m[6] === undefined || Number(m[6]) <= 59);
}
