// Read-only views of the tree: one child (childState) and the whole tree (snapshot, for `solo tree`).
import type { ExitReason, RestartStrategy, RestartType, WireError } from '@solo/protocol';
import type { SnapshotFrom } from 'xstate';
import type { childMachine } from './child-machine.ts';
import type { ChildSpec } from './child-spec.ts';
import type { ChildStateName } from './child-state.ts';
import type { RestartIntensity } from './restart-intensity.ts';
import type { SiblingView } from './restart-strategy.ts';
import type { EscalationPolicy } from './tenant-policy.ts';

/** One child as the kernel sees it. */
export interface ChildView {
  state: ChildStateName;
  /** Restarts made since the child was added. */
  restarts: number;
  /** Reason of the latest exit, or null before any. */
  lastExit: ExitReason | null;
  /** Clock time (ms) of the latest exit, or null before any. */
  lastExitAt: number | null;
  spec: ChildSpec;
}

/** One child in {@link TreeView}. */
export interface ChildTreeView {
  service: string;
  state: ChildStateName;
  restart: RestartType;
  restarts: number;
  /** The latest crash (not a normal exit), or null. */
  lastCrash: { at: number; error: WireError } | null;
}

/** One tenant supervisor in {@link TreeView}; children in registration order. */
export interface TenantView {
  tenant: string;
  /** 'escalated' after a `stop_all` escalation, until a child is added again. */
  state: 'supervising' | 'escalated';
  strategy: RestartStrategy;
  intensity: RestartIntensity;
  escalation: EscalationPolicy;
  /** Escalations since the tenant supervisor was created. */
  escalations: number;
  children: ChildTreeView[];
}

/** The whole tree: the root and its tenants, sorted by tenant id. */
export interface TreeView {
  state: 'running' | 'stopped';
  tenants: TenantView[];
}

/** A child machine's snapshot. */
export type ChildSnapshot = SnapshotFrom<typeof childMachine>;

/** The top-level state of a child (`backoff` for any of its substates). */
export function childStateOf(snapshot: ChildSnapshot): ChildStateName {
  const value: unknown = snapshot.value;
  return (typeof value === 'string' ? value : Object.keys(value as object)[0]) as ChildStateName;
}

/** The kernel's view of a child. */
export function viewChild(snapshot: ChildSnapshot): ChildView {
  const c = snapshot.context;
  return {
    state: childStateOf(snapshot),
    restarts: c.restarts,
    lastExit: c.lastExit,
    lastExitAt: c.lastExitAt,
    spec: c.spec,
  };
}

/** A child as the strategy planner needs it. */
export function viewSibling(snapshot: ChildSnapshot): SiblingView {
  const c = snapshot.context;
  return { service: c.service, state: childStateOf(snapshot), restart: c.spec.restart, stopReason: c.stopReason };
}

/** A child as `solo tree` shows it. */
export function viewChildInTree(snapshot: ChildSnapshot): ChildTreeView {
  const c = snapshot.context;
  return {
    service: c.service,
    state: childStateOf(snapshot),
    restart: c.spec.restart,
    restarts: c.restarts,
    lastCrash: c.lastCrash,
  };
}
