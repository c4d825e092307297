// The restart decision for one exit of one child: restart type, then intensity, then backoff.
// Pure: the child machine calls it with the exit, its restart history, the time and a random draw.
import type { ExitReason, RestartType } from '@solo/protocol';
import type { ResolvedBackoffPolicy } from './backoff.ts';
import { computeBackoffMs } from './backoff.ts';
import type { RestartIntensity } from './restart-intensity.ts';
import { recordRestart } from './restart-intensity.ts';

/**
 * True when a child of this restart type is restarted after this exit: `permanent` always, `transient`
 * only after a crash (not after `normal` or `shutdown`), `temporary` never.
 */
export function shouldRestart(restart: RestartType, reason: ExitReason): boolean {
  switch (restart) {
    case 'permanent':
      return true;
    case 'transient':
      return reason.kind === 'crash';
    case 'temporary':
      return false;
  }
}

/** What a child does after an exit. */
export type RestartDecision =
  /** The restart type says no: the child stays stopped. */
  | { kind: 'no_restart' }
  /** Intensity exceeded: the child fails and its tenant supervisor escalates. */
  | { kind: 'give_up'; history: number[]; reason: string }
  /** Restart after `delayMs`; `attempt` counts restarts in the intensity window, this one included. */
  | { kind: 'restart'; history: number[]; attempt: number; delayMs: number };

/** Inputs of {@link decideRestart}. */
export interface RestartDecisionInput {
  restart: RestartType;
  reason: ExitReason;
  /** Restart times (ms) still inside the window, oldest first. */
  history: readonly number[];
  nowMs: number;
  intensity: RestartIntensity;
  backoff: ResolvedBackoffPolicy;
  random: () => number;
}

/** Decides what a child does after an exit; the caller keeps the returned history. */
export function decideRestart(input: RestartDecisionInput): RestartDecision {
  if (!shouldRestart(input.restart, input.reason)) return { kind: 'no_restart' };
  const { history, exceeded } = recordRestart(input.history, input.nowMs, input.intensity);
  if (exceeded) {
    const { maxRestarts, maxSeconds } = input.intensity;
    return {
      kind: 'give_up',
      history,
      reason: `restart intensity exceeded: more than ${maxRestarts} restart(s) within ${maxSeconds} s (last exit: ${describeExit(input.reason)})`,
    };
  }
  const attempt = history.length;
  return { kind: 'restart', history, attempt, delayMs: computeBackoffMs(attempt, input.backoff, input.random) };
}

function describeExit(reason: ExitReason): string {
  return reason.kind === 'crash' ? `crash, ${reason.error.code}: ${reason.error.message}` : reason.kind;
}
