// Token buckets keyed by tenant or token id: refilled lazily on each take, bounded in number.
import type { TokenRateLimit } from '@solo/protocol';

interface Bucket {
  tokens: number;
  at: number;
}

/** Many token buckets; the least recently used are dropped beyond `maxBuckets` (a dropped bucket restarts full). */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  readonly #max: number;

  constructor(o: { now?: () => number; maxBuckets?: number } = {}) {
    this.#now = o.now ?? Date.now;
    this.#max = o.maxBuckets ?? 100_000;
  }

  /** Takes one request from `key`'s bucket; returns 0 when allowed, else the ms until one is available. */
  take(key: string, rate: TokenRateLimit): number {
    const now = this.#now();
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= this.#max) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      b = { tokens: rate.burst, at: now };
    } else {
      this.#buckets.delete(key); // re-inserted below: Map order is recency order
      b.tokens = Math.min(rate.burst, b.tokens + ((now - b.at) / 1000) * rate.requests_per_second);
      b.at = now;
    }
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) / rate.requests_per_second) * 1000));
  }

  /** Forgets `key` (e.g. a deleted tenant). */
  forget(key: string): void {
    this.#buckets.delete(key);
  }

  get size(): number {
    return this.#buckets.size;
  }
}
