// A token bucket for a per-second rate whose burst is the rate itself: what `max_events_per_second` and
// `max_log_lines_per_second` spend. Pure: time and the rate are inputs, so a redeploy with another rate applies
// at the next take.

/** One bucket. It starts full. */
export class TokenBucket {
  /** Tokens at `#atMs`; null while the bucket has never been used (full, whatever the rate). */
  #tokens: number | null = null;
  #atMs = 0;

  /**
   * Takes one token at `nowMs` from a bucket refilled at `ratePerSecond` (burst `ratePerSecond`). Returns 0 when
   * it was taken, else how many ms until one will be there (nothing is taken then).
   */
  take(nowMs: number, ratePerSecond: number): number {
    const tokens = this.#refill(nowMs, ratePerSecond);
    if (tokens >= 1) {
      this.#tokens = tokens - 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - tokens) * 1000) / ratePerSecond));
  }

  /** Whole tokens there at `nowMs`: what may be taken at once before one is refused. */
  available(nowMs: number, ratePerSecond: number): number {
    return Math.floor(this.#refill(nowMs, ratePerSecond));
  }

  /** Brings the bucket to `nowMs` and returns its tokens. */
  #refill(nowMs: number, rate: number): number {
    if (this.#tokens === null) {
      this.#tokens = rate;
      this.#atMs = nowMs;
      return rate;
    }
    // A wall clock that steps back refills nothing (and does not move the bucket back either).
    const elapsedMs = Math.max(0, nowMs - this.#atMs);
    this.#atMs = Math.max(this.#atMs, nowMs);
    this.#tokens = Math.min(rate, this.#tokens + (elapsedMs * rate) / 1000);
    return this.#tokens;
  }
}
