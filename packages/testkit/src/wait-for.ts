// Polls a condition until it holds or a deadline passes; tests use it instead of sleeping.

export interface WaitForOptions {
  /** @default 10000 */
  timeoutMs?: number;
  /** @default 20 */
  intervalMs?: number;
  /** Shown when the wait times out. */
  message?: string;
}

/** Resolves with the first truthy value `condition` returns; rejects after `timeoutMs`. */
export async function waitFor<T>(condition: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 20;
  const until = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > until) {
      const why = lastErr instanceof Error ? ` (last error: ${lastErr.message})` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms${opts.message ? `: ${opts.message}` : ''}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
