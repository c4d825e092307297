// The one results table, as text for the terminal and as Markdown, and the JSON record of a run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.ts';
import type { Measurement } from './measurement.ts';
import type { Row, Target, TargetCheck } from './row.ts';

/** A time in ms, with a unit that keeps three significant digits readable. */
export function formatMs(ms: number): string {
  if (ms < 0.001) return `${(ms * 1e6).toPrecision(3)} ns`;
  if (ms < 1) return `${(ms * 1e3).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

function formatIn(unit: Measurement['unit'], v: number): string {
  if (unit === 'count') return String(v);
  return unit === 'ms' ? formatMs(v) : `${v < 100 ? v.toFixed(1) : v.toFixed(0)} MiB`;
}

function formatRate(perSecond: number): string {
  return perSecond >= 10_000 ? `${(perSecond / 1000).toFixed(0)}k/s` : `${perSecond.toPrecision(3)}/s`;
}

/** "p50 212 µs · p99 1.10 ms", "812 MiB", "12.3 s · 81.2/s". */
export function formatMeasurement(m: Measurement | null): string {
  if (!m) return '—';
  const parts: string[] = [];
  if (m.p50 !== null) parts.push(`p50 ${formatIn(m.unit, m.p50)}`);
  if (m.p99 !== null) parts.push(`p99 ${formatIn(m.unit, m.p99)}`);
  if (m.value !== null) parts.push(formatIn(m.unit, m.value));
  if (m.perSecond !== null && m.p50 === null) parts.push(formatRate(m.perSecond));
  if (m.samples > 1) parts.push(`n=${m.samples}`);
  return parts.join(' · ') || '—';
}

function formatCheck(c: TargetCheck, unit: Measurement['unit']): string {
  const stat = c.stat === 'value' ? '' : `${c.stat} `;
  return 'max' in c ? `${stat}≤ ${formatIn(unit, c.max)}` : `${stat}≤ ${c.maxTimesBaseline}× baseline`;
}

/** "p50 ≤ 10.0 ms, p99 ≤ 30.0 ms". */
export function formatTarget(t: Target | null): string {
  return t ? t.checks.map((c) => formatCheck(c, t.unit)).join(', ') : '—';
}

function cells(row: Row): string[] {
  const base = row.baseline ? `${row.baseline.name}: ${formatMeasurement(row.baseline.measurement)}` : '—';
  const ratio = row.ratio === null ? '—' : `${row.ratio < 10 ? row.ratio.toFixed(2) : row.ratio.toFixed(0)}×`;
  return [row.measure, formatMeasurement(row.result), formatTarget(row.target), base, ratio, row.verdict];
}

const HEADER = ['measure', 'result', 'target', 'baseline (same run)', 'ratio', 'pass'];

function notes(rows: readonly Row[]): string[] {
  return rows.filter((r) => r.note).map((r) => `${r.measure}: ${r.note}`);
}

/** The table for the terminal, with notes under it. */
export function renderText(rows: readonly Row[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const out = [line(HEADER), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map((r) => line(cells(r)))];
  const n = notes(rows);
  if (n.length > 0) out.push('', 'notes:', ...n.map((s) => `  - ${s}`));
  return out.join('\n');
}

/** The same table as Markdown, with the machine it ran on. */
export function renderMarkdown(rows: readonly Row[], machine: MachineInfo, mode: 'full' | 'quick'): string {
  const esc = (s: string): string => s.replaceAll('|', '\\|');
  const out = [
    `Run ${machine.at} (${mode}) on ${machine.nproc} × ${machine.cpuModel}, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.natsServer}, isolated-vm ${machine.isolatedVm}, ${machine.os}; load average ${machine.loadAtStart} at the start.`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ];
  const n = notes(rows);
  if (n.length > 0) out.push('', ...n.map((s) => `- ${esc(s)}`));
  return `${out.join('\n')}\n`;
}

/** Writes `<name>.json` and `<name>.md` in `dir`. */
export function writeResults(dir: string, name: string, run: { mode: 'full' | 'quick'; machine: MachineInfo; rows: readonly Row[] }): void {
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), renderMarkdown(run.rows, run.machine, run.mode));
}
