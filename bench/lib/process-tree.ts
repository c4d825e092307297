// Resident memory of a process tree, from /proc: the node, its nats-server and every descendant
// (sandbox host processes included), summed from VmRSS in /proc/<pid>/status.
import { readFileSync, readdirSync } from 'node:fs';

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

function rssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** `roots` and all their descendants that are alive now. */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid) || parentOf(pid) === null) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...seen];
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** One process of a tree and its resident memory. */
export interface ProcessRss {
  pid: number;
  name: string;
  rssMiB: number;
}

/** Summed VmRSS in MiB of `roots` and their descendants, with each process counted. */
export function treeRssMiB(roots: readonly number[]): { rssMiB: number; processes: ProcessRss[] } {
  const processes = processTree(roots).map((pid) => ({ pid, name: commandName(pid), rssMiB: rssKiB(pid) / 1024 }));
  return { rssMiB: processes.reduce((sum, p) => sum + p.rssMiB, 0), processes };
}
