// The events the machines exchange: facts from the kernel, commands from the tree and the tenant
// supervisor, and notices a child sends its tenant supervisor. Time and randomness ride on the events.
import type { ExitReason, WireError } from '@solo/protocol';
import type { ChildSpec } from './child-spec.ts';
import type { StopReason } from './supervisor-action.ts';
import type { TenantPolicy } from './tenant-policy.ts';

/** A kernel fact for one child, stamped by the tree with the clock (`at`) and one random draw (`random`). */
export type ChildFactEvent =
  | { type: 'fact.started' }
  | { type: 'fact.start_failed'; error: WireError; at: number; random: number }
  | { type: 'fact.exited'; reason: ExitReason; at: number; random: number }
  | { type: 'fact.stop_requested' }
  | { type: 'fact.stopped' };

/** A command from the tenant supervisor to one child. */
export type ChildCommandEvent =
  | { type: 'supervisor.stop'; reason: StopReason }
  | { type: 'supervisor.restart'; attempt: number }
  | { type: 'supervisor.backoff_elapsed' }
  | { type: 'supervisor.policy'; policy: TenantPolicy };

/** Every event a child machine handles. */
export type ChildEvent = ChildFactEvent | ChildCommandEvent;

/** What a child tells its tenant supervisor. */
export type ChildNoticeEvent =
  /** The child exited and will restart: the tenant applies its strategy to the siblings. */
  | { type: 'child.restart_pending'; service: string; attempt: number }
  /** The child's backoff delay elapsed (a delayed notice, so that the tenant relays it back: see tenant-machine.ts). */
  | { type: 'child.backoff_elapsed'; service: string }
  /** The child is down and may start again (backoff elapsed, or its stop for a sibling completed). */
  | { type: 'child.ready'; service: string; attempt: number }
  /** The child exceeded its intensity: the tenant escalates. */
  | { type: 'child.failed'; service: string; reason: string }
  /** The child is down for good (no restart, a kill or an escalation). */
  | { type: 'child.down'; service: string };

/** A command from the tree to one tenant supervisor. */
export type TenantCommandEvent =
  | { type: 'tree.set_policy'; policy: TenantPolicy }
  | { type: 'tree.add_child'; service: string; spec: ChildSpec }
  | { type: 'tree.remove_child'; service: string }
  | { type: 'tree.fact'; service: string; fact: ChildFactEvent };

/** Every event a tenant supervisor machine handles. */
export type TenantEvent = TenantCommandEvent | ChildNoticeEvent;

/** Every event the root supervisor machine handles. */
export type RootEvent =
  | { type: 'tree.set_policy'; tenant: string; policy: TenantPolicy }
  | { type: 'tree.add_child'; tenant: string; service: string; spec: ChildSpec }
  | { type: 'tree.remove_child'; tenant: string; service: string };
