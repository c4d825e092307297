// How a sandbox host process ended, and the `service_crashed` error (reason `sandbox_died`) its actors get.
import { SoloError } from '@solo/protocol';
import { serviceCrashed, type CrashSite } from '../service-crash.ts';

/** The end of a sandbox host process. */
export interface ProcessDeath {
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Its stderr said it ran out of memory (V8's fatal heap-limit or allocation failure). */
  outOfMemory: boolean;
  /** ProcessSandbox ended it itself (close, idle reaping); not a crash of anything. */
  expected: boolean;
  /** ProcessSandbox killed it because a request outlived its limits by the hang grace: it had stopped answering. */
  unresponsive: boolean;
}

/**
 * V8's banner of a fatal heap out-of-memory, printed before its out-of-memory handler runs (isolated-vm's then
 * prints `is_heap_oom` and aborts). Matched at the start of a line: the host process prefixes its own log lines.
 */
const FATAL_OOM_BANNER = /^<--- (?:Last few GCs|JS stacktrace) --->$/m;

/** Whether `stderrTail` shows V8's fatal out-of-memory banner (the process is dying, or stuck dying). */
export function showsFatalOutOfMemory(stderrTail: string): boolean {
  return FATAL_OOM_BANNER.test(stderrTail);
}

/** Reads what a process printed before dying: V8 (and isolated-vm) report a fatal out-of-memory on stderr. */
export function looksOutOfMemory(stderrTail: string): boolean {
  return showsFatalOutOfMemory(stderrTail) || /out of memory|heap limit|allocation failed|bad_alloc|is_heap_oom/i.test(stderrTail);
}

/** `exit code 1`, `signal SIGKILL`. */
export function describeEnd(death: Pick<ProcessDeath, 'exitCode' | 'signal'>): string {
  return death.signal !== null ? `signal ${death.signal}` : `exit code ${String(death.exitCode)}`;
}

/**
 * The error of an actor whose sandbox host process died: in `phase` (the handler in flight, or
 * 'its sandbox host process' for an idle actor). `details` add `pid`, `exit_code`, `signal`, `out_of_memory`,
 * `unresponsive`.
 */
export function sandboxDied(site: CrashSite, death: ProcessDeath): SoloError {
  const why = death.outOfMemory ? ' after running out of memory' : '';
  const error = death.unresponsive
    ? `the sandbox host process (pid ${death.pid}) stopped answering and was killed (${describeEnd(death)})`
    : `the sandbox host process (pid ${death.pid}) died (${describeEnd(death)})${why}`;
  const base = serviceCrashed(site, 'sandbox_died', error);
  return new SoloError('service_crashed', base.message, {
    details: { ...base.details, pid: death.pid, exit_code: death.exitCode, signal: death.signal, out_of_memory: death.outOfMemory, unresponsive: death.unresponsive },
  });
}
