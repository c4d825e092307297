// What the kernel tells the supervisor tree (facts) and what the tree tells the kernel to do (actions).
import type { ExitReason, WireError } from '@solo/protocol';
import type { EscalationPolicy } from './tenant-policy.ts';

/** A fact about a child's incarnation, reported by the kernel after it happened. */
export type ChildFact =
  /** The incarnation asked for by a `start` action is up. */
  | { type: 'started' }
  /** The incarnation could not be started; counts as a crash. */
  | { type: 'start_failed'; error: WireError }
  /** The incarnation exited on its own (or was killed by a limit). */
  | { type: 'exited'; reason: ExitReason }
  /** The kernel began stopping the child for an operator's kill; no restart follows. */
  | { type: 'stop_requested' }
  /** The incarnation is down after a stop (asked by a `stop` action or by a kill). */
  | { type: 'stopped' };

/** Why the tree asks the kernel to stop a running child. */
export type StopReason = 'sibling_restart' | 'escalation';

/** An effect the kernel carries out, in the order the tree emits them. */
export type SupervisorAction =
  /** Start a fresh incarnation, then report `started` or `start_failed`. `attempt` is 0 for the first start. */
  | { type: 'start'; tenant: string; service: string; attempt: number }
  /** Stop the running incarnation, then report `stopped`. */
  | { type: 'stop'; tenant: string; service: string; reason: StopReason }
  /** Informational: a restart will follow in about `delayMs` (later if siblings must stop first). */
  | { type: 'restart_scheduled'; tenant: string; service: string; delayMs: number; attempt: number }
  /** The child gave up (intensity exceeded); the kernel appends `service_failed`. */
  | { type: 'failed'; tenant: string; service: string; reason: string }
  /** The tenant supervisor escalated a failure; the kernel appends `supervisor_escalated`. */
  | { type: 'escalated'; tenant: string; service: string; policy: EscalationPolicy };
