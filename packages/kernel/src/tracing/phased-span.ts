// A span for a multi-step operation (hot swap, recovery) with one child span per step, so a trace shows
// where the time of the operation went.
import type { Span } from '@opentelemetry/api';
import { withSpan, type WithSpanOptions } from './spans.ts';

/** Runs one step of a traced operation as a child span `<operation>.<phase>`, resolving with its result. */
export type PhaseRunner<P extends string> = <R>(phase: P, fn: () => Promise<R> | R) => Promise<R>;

/** Runs `fn` under the span `name`; each `phase(step, work)` inside becomes the child span `<name>.<step>`. */
export function withPhasedSpan<P extends string, T>(
  name: string,
  opts: WithSpanOptions,
  fn: (phase: PhaseRunner<P>, span: Span) => Promise<T>,
): Promise<T> {
  return withSpan(name, opts, (span) => {
    const phase: PhaseRunner<P> = (step, work) => withSpan(`${name}.${step}`, {}, () => work());
    return fn(phase, span);
  });
}
