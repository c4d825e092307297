// How an incarnation is ended on purpose: a stop or detach lets the handler in flight finish and runs
// terminate within a deadline; an exit the service asked for runs terminate under a generous bound.
import type { ResolvedActorStopOptions } from './actor-options.ts';
import { settlesWithin } from './deadline.ts';
import type { SandboxedActor } from './sandbox.ts';

/** Generous bound on `terminate` after a service asked to exit; its own wall limit usually ends it sooner. */
const EXIT_TERMINATE_MS = 5000;

/**
 * Lets the handler in flight finish (`handlerSettled`), then runs terminate, within timeoutMs (skipped when
 * forced). Resolves 'normal' when terminate completed in time, 'forced' otherwise.
 */
export async function windDown(inst: SandboxedActor, o: ResolvedActorStopOptions, handlerSettled: () => Promise<void>): Promise<'normal' | 'forced'> {
  if (o.force) return 'forced';
  const deadline = performance.now() + o.timeoutMs;
  const drained = await settlesWithin(handlerSettled(), o.timeoutMs);
  const leftMs = deadline - performance.now();
  if (!drained || inst.disposed || leftMs <= 0) return 'forced';
  const ok = await settlesWithin(inst.terminate(o.reason), leftMs);
  return ok && !inst.disposed ? 'normal' : 'forced';
}

/** Runs terminate(reason) for an exit the service asked for, bounded by EXIT_TERMINATE_MS; never rejects. */
export function terminateOnExit(inst: SandboxedActor, reason: 'normal' | 'shutdown'): Promise<boolean> {
  return settlesWithin(inst.terminate(reason), EXIT_TERMINATE_MS);
}
