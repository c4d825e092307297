// Tracing and timing of a node's recovery at start-up: the `solo.recovery` span, one child span per step,
// and the `solo_recovery_seconds` gauge. The recovery code (another issue) wraps its work in traceRecovery.
import type { Span } from '@opentelemetry/api';
import type { NodeMetrics } from '../metrics/node-metrics.ts';
import { withPhasedSpan, type PhaseRunner } from './phased-span.ts';
import { SPAN_NAMES } from './spans.ts';

/** The steps of a recovery, each traced as `solo.recovery.<phase>`. */
export const RECOVERY_PHASES = ['checkpoint', 'replay', 'reconcile', 'start_services', 'mailboxes'] as const;
/** One step of a recovery. */
export type RecoveryPhase = (typeof RECOVERY_PHASES)[number];

/** Options of {@link traceRecovery}. */
export interface TraceRecoveryOptions {
  /** Receives the duration of the recovery (`solo_recovery_seconds`), failed or not. @default none */
  metrics?: NodeMetrics;
  nodeId?: string;
}

/**
 * Traces and times one recovery: runs `fn` under a `solo.recovery` span, each `phase('replay', () => …)` as a
 * child span, and records the whole duration in `solo_recovery_seconds`. A rejection is rethrown.
 */
export async function traceRecovery<T>(opts: TraceRecoveryOptions, fn: (phase: PhaseRunner<RecoveryPhase>, span: Span) => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await withPhasedSpan(SPAN_NAMES.recovery, { attributes: opts.nodeId ? { 'solo.node_id': opts.nodeId } : {} }, fn);
  } finally {
    opts.metrics?.setRecoverySeconds((performance.now() - t0) / 1000);
  }
}
