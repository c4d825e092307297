// Restart intensity: at most `maxRestarts` restarts within `maxSeconds`, as OTP's intensity/period.
// Called by the child machine each time it decides to restart.

/** How many restarts a child may make within a sliding window before it gives up. */
export interface RestartIntensity {
  /** Restarts allowed within the window; 0 means the first exit that wants a restart fails the child. @default 3 */
  maxRestarts: number;
  /** Length of the sliding window, in seconds (> 0). @default 5 */
  maxSeconds: number;
}

/** The defaults: 3 restarts in 5 seconds. */
export const DEFAULT_RESTART_INTENSITY: Readonly<RestartIntensity> = Object.freeze({ maxRestarts: 3, maxSeconds: 5 });

/**
 * Records a restart at `nowMs` in `history` (restart times in ms, oldest first) and reports whether the
 * intensity is now exceeded. Restarts `maxSeconds` or more in the past fall out of the window, so a child
 * that stays up longer than the window starts with a clean slate. The input is never mutated.
 */
export function recordRestart(
  history: readonly number[],
  nowMs: number,
  policy: { maxRestarts: number; maxSeconds: number },
): { history: number[]; exceeded: boolean } {
  const windowMs = policy.maxSeconds * 1000;
  const kept = history.filter((at) => nowMs - at < windowMs);
  kept.push(nowMs);
  return { history: kept, exceeded: kept.length > policy.maxRestarts };
}
