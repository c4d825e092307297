// What one benchmark produced: a latency distribution (p50/p99) or a single value, with its unit.
// Every suite returns these; report.ts formats them and verdict.ts compares them with targets.

/** Units a measurement can be in. Times are always kept in ms and only formatted as µs/s. */
export type Unit = 'ms' | 'MiB' | 'count';

/** One measured result. Latency rows fill p50/p99; one-shot rows (RSS, a total time) fill value. */
export interface Measurement {
  unit: Unit;
  p50: number | null;
  p99: number | null;
  value: number | null;
  /** Operations per second, where a throughput is meaningful for the row. */
  perSecond: number | null;
  /** How many samples the numbers come from. */
  samples: number;
}

/** The number a ratio or a default comparison uses: p50 for distributions, else the single value. */
export function primaryValue(m: Measurement): number | null {
  return m.p50 ?? m.value;
}

/** Percentile of sorted samples by linear interpolation between closest ranks (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** A latency distribution from raw samples in ms. */
export function latencyFromSamples(samplesMs: readonly number[], opts: { perSecond?: number } = {}): Measurement {
  const sorted = [...samplesMs].sort((x, y) => x - y);
  return {
    unit: 'ms',
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    value: null,
    perSecond: opts.perSecond ?? null,
    samples: sorted.length,
  };
}

/** A single value (an RSS, a total duration). */
export function singleValue(unit: Unit, value: number, opts: { perSecond?: number; samples?: number } = {}): Measurement {
  return { unit, p50: null, p99: null, value, perSecond: opts.perSecond ?? null, samples: opts.samples ?? 1 };
}

/** True when the measurement holds at least one finite number. */
export function hasNumber(m: Measurement | null): boolean {
  if (!m) return false;
  return [m.p50, m.p99, m.value, m.perSecond].some((v) => v !== null && Number.isFinite(v));
}
