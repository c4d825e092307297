// Tracing of a hot swap: the `solo.swap` span and its steps. The swap code (another issue) calls traceSwap
// around the whole operation and runs each step through the phase runner it is handed.
import type { Span } from '@opentelemetry/api';
import { withPhasedSpan, type PhaseRunner } from './phased-span.ts';
import { SPAN_ATTRIBUTES, SPAN_NAMES, serviceAttributes } from './spans.ts';

/** The steps of a hot swap, each traced as `solo.swap.<phase>`. */
export const SWAP_PHASES = ['compile', 'analyse', 'store', 'start', 'code_change', 'switch', 'watchdog', 'rollback'] as const;
/** One step of a hot swap. */
export type SwapPhase = (typeof SWAP_PHASES)[number];

/** Which service a swap changes. */
export interface SwapTarget {
  tenant: string;
  service: string;
  /** Version (deploy counter) being replaced. */
  fromVersion?: number;
  /** Version being started. */
  toVersion?: number;
  correlationId?: string;
}

/**
 * Traces one hot swap: runs `fn` under a `solo.swap` span; `phase('code_change', () => …)` inside it records
 * the step as the child span `solo.swap.code_change`. A rejection marks the span failed and is rethrown.
 */
export function traceSwap<T>(target: SwapTarget, fn: (phase: PhaseRunner<SwapPhase>, span: Span) => Promise<T>): Promise<T> {
  const attributes = serviceAttributes(target.tenant, target.service);
  if (target.fromVersion !== undefined) attributes['solo.swap.from_version'] = target.fromVersion;
  if (target.toVersion !== undefined) attributes['solo.swap.to_version'] = target.toVersion;
  if (target.correlationId !== undefined) attributes[SPAN_ATTRIBUTES.correlationId] = target.correlationId;
  return withPhasedSpan(SPAN_NAMES.swap, { attributes }, fn);
}
