// One text line per event or log entry, for `solo events` and `solo logs` (with or without --follow).
import type { LogEntry, SoloEvent } from '@solo/protocol';

/** `seq time type service data`; `-` stands for a tenant-wide event. */
export function formatEventLine(ev: SoloEvent): string {
  return `${ev.seq} ${ev.at} ${ev.type} ${ev.service_id ?? '-'} ${JSON.stringify(ev.data)}`;
}

/** `seq time level service message [data]`. */
export function formatLogLine(entry: LogEntry): string {
  const data = entry.data === undefined ? '' : ` ${JSON.stringify(entry.data)}`;
  return `${entry.seq} ${entry.at} ${entry.level} ${entry.service_id} ${entry.message}${data}`;
}
