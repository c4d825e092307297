// @solo/supervisor: OTP-style supervision as xstate machines, with no I/O. README.md explains the
// restart types (default permanent), strategies (default one_for_one), intensity (default 3 in 5 s),
// escalation (default mark_failed) and backoff (default { initialMs: 0, multiplier: 2, maxMs: 5000, jitter: 0.2 }).

/**
 * Creates and starts the supervision tree the kernel drives: report facts with `report`, carry out the
 * actions handed to `onAction`. Timers go through `opts.clock`, jitter through `opts.random`.
 * `addChild` throws `invalid_request` on a bad id or spec and `already_exists` for a live child;
 * `setTenantPolicy` throws `invalid_request` on a bad policy; both throw `unavailable` after `stop()`.
 */
export { createSupervisorTree } from './supervisor-tree.ts';
/** The tree, its options and its clock. */
export type { SupervisorTree, SupervisorTreeOptions, SupervisorClock } from './supervisor-tree.ts';
/** Facts the kernel reports, actions it carries out, and why the tree asks for a stop. */
export type { ChildFact, SupervisorAction, StopReason } from './supervisor-action.ts';
/** Read-only views: one child (`childState`) and the whole tree (`snapshot`, for `solo tree`). */
export type { ChildView, TreeView, TenantView, ChildTreeView } from './tree-view.ts';
/** Every state of a child machine. */
export { CHILD_STATES } from './child-state.ts';
/** One child state. */
export type { ChildStateName } from './child-state.ts';

/**
 * Validates a child spec and applies its default (restart type `permanent`); unset intensity and backoff
 * fields inherit the tenant's policy.
 * @throws SoloError `invalid_request` on an unknown field or restart type, a negative or fractional
 * `maxRestarts`, a `maxSeconds` not above 0, or a backoff value out of range.
 */
export { resolveChildSpec } from './child-spec.ts';
/** The intensity and backoff a child runs with: its overrides over its tenant's policy. */
export { resolveChildPolicy } from './child-spec.ts';
/** A child spec as given, and validated. */
export type { ChildSpecInput, ChildSpec } from './child-spec.ts';
/**
 * Validates a tenant policy and applies the defaults: one_for_one, 3 restarts in 5 s, mark_failed, and
 * the default backoff.
 * @throws SoloError `invalid_request` on an unknown field, strategy or escalation, or a value out of range.
 */
export { resolveTenantPolicy } from './tenant-policy.ts';
/** The policy of a tenant nobody configured, and the escalation policies. */
export { DEFAULT_TENANT_POLICY, ESCALATION_POLICIES } from './tenant-policy.ts';
/** A tenant policy as given, resolved, and one escalation policy. */
export type { TenantPolicyInput, TenantPolicy, EscalationPolicy } from './tenant-policy.ts';

/** True when a child of this restart type restarts after this exit (transient: only after a crash). */
export { shouldRestart } from './restart-decision.ts';
/** The whole restart decision for one exit: no restart, give up (intensity exceeded), or restart after a delay. */
export { decideRestart } from './restart-decision.ts';
/** A restart decision and its inputs. */
export type { RestartDecision, RestartDecisionInput } from './restart-decision.ts';
/** Records a restart in a sliding-window history and says whether `maxRestarts` in `maxSeconds` is exceeded. */
export { recordRestart } from './restart-intensity.ts';
/** The default intensity: 3 restarts in 5 seconds. */
export { DEFAULT_RESTART_INTENSITY } from './restart-intensity.ts';
/** Restart intensity: `maxRestarts` within `maxSeconds`. */
export type { RestartIntensity } from './restart-intensity.ts';
/** The backoff delay of a restart attempt: exponential, capped at `maxMs`, jittered with an injected random draw. */
export { computeBackoffMs } from './backoff.ts';
/** The default backoff: `{ initialMs: 0, multiplier: 2, maxMs: 5000, jitter: 0.2 }`. */
export { DEFAULT_BACKOFF } from './backoff.ts';
/** Backoff settings as given, and resolved. */
export type { BackoffPolicyInput, ResolvedBackoffPolicy } from './backoff.ts';
