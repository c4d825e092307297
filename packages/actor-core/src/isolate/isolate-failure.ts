// Classifies an error raised by an isolated-vm crossing (not by service code, which the runtime catches itself)
// into a crash reason. isolated-vm reports limits only through error messages, so this edge reads them.
import type { SandboxLimits } from '@solo/protocol';
import type { CrashReason } from '../service-crash.ts';

/** A classified crossing failure: the reason and the text for `details.error`. */
export interface IsolateFailure {
  reason: CrashReason;
  error: string;
}

/** What the caller knows about the crossing that failed. */
export interface FailureContext {
  limits: SandboxLimits;
  /** The limit the crossing's `timeout` stood for. */
  timeoutReason: 'cpu_limit' | 'wall_limit';
  /** Set when Solo itself disposed the isolate (wall limit, dispose()) before the error arrived. */
  disposedBy: CrashReason | null;
}

/** Describes the limit a reason stands for, for `details.error`. */
export function limitText(reason: CrashReason, limits: SandboxLimits): string {
  switch (reason) {
    case 'cpu_limit':
      return `the handler ran for more than ${limits.cpu_ms} ms of CPU time`;
    case 'wall_limit':
      return `the handler did not settle within ${limits.wall_ms} ms`;
    case 'memory_limit':
      return `the isolate exceeded its ${limits.memory_mb} MiB memory limit`;
    case 'disposed':
      return 'the incarnation was disposed';
    default:
      return reason;
  }
}

/** Maps the error of a failed crossing to a crash reason. */
export function classifyIsolateFailure(err: unknown, ctx: FailureContext): IsolateFailure {
  if (ctx.disposedBy !== null) return { reason: ctx.disposedBy, error: limitText(ctx.disposedBy, ctx.limits) };
  const message = err instanceof Error ? err.message : String(err);
  if (/memory limit/i.test(message)) return { reason: 'memory_limit', error: limitText('memory_limit', ctx.limits) };
  if (/timed out/i.test(message)) return { reason: ctx.timeoutReason, error: limitText(ctx.timeoutReason, ctx.limits) };
  // An isolate disposed by no one in Solo was torn down by isolated-vm, which only does that on memory exhaustion.
  if (/disposed/i.test(message)) return { reason: 'memory_limit', error: limitText('memory_limit', ctx.limits) };
  return { reason: 'throw', error: message };
}
