// What a suite is and what it gets from the runner. A suite declares its measures up front, so a measure
// it never reaches (because it threw) still shows in the table as "no number".
import type { Measurement } from './measurement.ts';
import type { NodeProcess } from './node-process.ts';
import type { RawNats } from './raw-nats.ts';
import type { BaselineRef, RowInput, Target } from './row.ts';

/** A measure a suite promises to emit, with its target (shown even when the measure fails). */
export interface PlannedMeasure {
  measure: string;
  target?: Target;
}

/** Everything a suite may use; the runner owns the lifetime of what it hands out. */
export interface SuiteContext {
  /** --quick: tiny counts, no verdicts. */
  readonly quick: boolean;
  readonly repoRoot: string;
  readonly benchDir: string;
  /** `full` in a full run, `quick` in a --quick run. */
  pick<T>(full: T, quick: T): T;
  /**
   * Starts a node through the CLI (on a fresh data dir, or on `dataDir` to restart a killed node); the runner
   * stops it when the suite ends, even on error.
   */
  startNode(label: string, opts?: { dataDir?: string; sandbox?: 'process' | 'isolate' }): Promise<NodeProcess>;
  /** The raw NATS fixture (own nats-server + responder process), shared by the whole run. */
  rawNats(): Promise<RawNats>;
  /** Records a baseline for later suites of the same run. */
  setBaseline(key: string, ref: BaselineRef): void;
  /** A baseline recorded earlier in this run, or null when it failed or did not run. */
  baseline(key: string): BaselineRef | null;
  /** Progress line on stderr (the table goes to stdout). */
  log(message: string): void;
}

/** A group of measures sharing setup (a node, a fixture). */
export interface Suite {
  readonly name: string;
  plan(ctx: SuiteContext): PlannedMeasure[];
  /** Emits one RowInput per planned measure, as soon as each is measured. */
  run(ctx: SuiteContext, emit: (row: RowInput) => void): Promise<void>;
}

/** A baseline reference from a measurement. */
export function baselineRef(name: string, measurement: Measurement): BaselineRef {
  return { name, measurement };
}
