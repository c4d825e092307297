// Which siblings a restart drags along, by strategy: one_for_one (none), one_for_all (all),
// rest_for_one (those registered after the crashed child). Pure; the tenant machine calls it.
import type { RestartStrategy, RestartType } from '@solo/protocol';
import type { ChildStateName } from './child-state.ts';
import { LIVE_CHILD_STATES } from './child-state.ts';
import type { StopReason } from './supervisor-action.ts';

/** What the planner needs to know about each child of the tenant. */
export interface SiblingView {
  service: string;
  state: ChildStateName;
  restart: RestartType;
  /** Why the child is stopping, when it is: 'kill' for a stop the kernel began itself. */
  stopReason: StopReason | 'kill' | null;
}

/** The outcome of {@link planGroupRestart}. */
export interface GroupRestartPlan {
  /** Siblings to stop, in reverse registration order (the last started stops first, as in OTP). */
  stop: string[];
  /** Children to start again together once all are down, in registration order; includes the trigger. */
  members: string[];
  /** Temporary siblings the group waits for to be down, but does not restart. */
  waitFor: string[];
}

/**
 * Plans the restart of `trigger` under `strategy`. `children` lists the tenant's children in registration
 * order. A running `temporary` sibling is stopped, and the group waits for it, but it is never restarted
 * (as in OTP, every sibling is down before the group starts again). Siblings already down and waiting
 * for a restart join the group; those stopping for a kill, stopped or failed are left alone.
 */
export function planGroupRestart(
  strategy: RestartStrategy,
  children: readonly SiblingView[],
  trigger: string,
): GroupRestartPlan {
  const index = children.findIndex((c) => c.service === trigger);
  const affected =
    strategy === 'one_for_one' || index < 0
      ? []
      : strategy === 'one_for_all'
        ? children.filter((c) => c.service !== trigger)
        : children.slice(index + 1);
  const stop: string[] = [];
  const joining = new Set<string>([trigger]);
  const waitFor: string[] = [];
  for (const sibling of affected) {
    const live = LIVE_CHILD_STATES.includes(sibling.state);
    if (live) stop.push(sibling.service);
    const goingDown = live || (sibling.state === 'stopping' && sibling.stopReason === 'sibling_restart');
    if (sibling.restart === 'temporary') {
      if (goingDown) waitFor.push(sibling.service);
    } else if (goingDown || sibling.state === 'backoff') {
      joining.add(sibling.service);
    }
  }
  return {
    stop: stop.reverse(),
    members: children.map((c) => c.service).filter((s) => joining.has(s)),
    waitFor,
  };
}
