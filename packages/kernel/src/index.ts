// @solo/kernel: the composition of a node — deploy, kill, status, list, call/cast routing, supervision
// wiring and the managed nats-server.
export { Kernel, newCorrelationId } from './kernel.ts';
export type { KernelOptions } from './kernel.ts';
export { applyEvent, createKernelState, recordKey, MAX_VERSION_HISTORY } from './state/kernel-state.ts';
export type { KernelState, ServiceRecord, ServiceVersionRecord } from './state/kernel-state.ts';
export { canonicalJson } from './state/canonical-json.ts';
export { recoverKernelState } from './recovery/recover.ts';
export type { RecoveryReport, RecoveryDeps } from './recovery/recover.ts';
export { CHECKPOINTS_KEPT, writeCheckpoint, loadCheckpoint } from './recovery/checkpoints.ts';
export type { LoadedCheckpoint, RejectedCheckpoint } from './recovery/checkpoints.ts';
export type { DeployInput, KillInput, ListQuery, EventsQuery, LogsQuery, RequestMeta, KernelLogger } from './kernel-types.ts';
export { resolveServiceLimits } from './resolve-limits.ts';
export { startManagedNatsServer } from './nats-server/managed-nats-server.ts';
export type { ManagedNatsServer, ManagedNatsServerOptions } from './nats-server/managed-nats-server.ts';
export { acquireDataDirLock } from './node/data-dir-lock.ts';
export type { DataDirLock } from './node/data-dir-lock.ts';

/** The node's Prometheus metrics: one registry per node; the kernel and the doors report into it. */
export { NodeMetrics, METRIC_NAMES } from './metrics/node-metrics.ts';
/** Options of {@link NodeMetrics} (`defaultMetrics` @default true), a scraped service and an answered request. */
export type { NodeMetricsOptions, ServiceSample, ApiRequestObservation } from './metrics/node-metrics.ts';
/** Bounded label values: doors, verbs ('unknown' for any other), outcomes ('ok' or an error code), event types. */
export { DOORS, verbLabel, errorOutcome, outcomeLabel, eventTypeLabel } from './metrics/metric-labels.ts';
export type { Door, VerbLabel, OutcomeLabel, EventTypeLabel } from './metrics/metric-labels.ts';
/** A service's `log_level`: the default, its key in the record's options, and the filter `ctx.log` applies. */
export { DEFAULT_SERVICE_LOG_LEVEL, LOG_LEVEL_OPTION, serviceLogLevel, logLevelPasses } from './service-log-level.ts';
/**
 * Tracing over `@opentelemetry/api` (a no-op until an SDK is registered): Solo's tracer, span names and
 * attribute keys, `withSpan` (runs a function in an active child span and marks it failed with the Solo
 * error code on a rejection) and `markSpanError`.
 */
export { TRACER_NAME, SPAN_ATTRIBUTES, SPAN_NAMES, soloTracer, serviceAttributes, markSpanError, withSpan } from './tracing/spans.ts';
export type { WithSpanOptions, SoloSpanKind } from './tracing/spans.ts';
/** W3C trace context in and out of NATS, HTTP and mailbox headers (`traceparent`, `tracestate`). */
export { extractTraceContext, injectTraceContext, traceContextHeaders } from './tracing/trace-context.ts';
/** A span with one child span per step of a multi-step operation. */
export { withPhasedSpan } from './tracing/phased-span.ts';
export type { PhaseRunner } from './tracing/phased-span.ts';
/**
 * Hot swap tracing for the swap code: `traceSwap(target, async (phase) => { await phase('compile', …); … })`
 * gives a `solo.swap` span with `solo.swap.<phase>` children. Rejections are rethrown.
 */
export { traceSwap, SWAP_PHASES } from './tracing/swap-tracing.ts';
export type { SwapPhase, SwapTarget } from './tracing/swap-tracing.ts';
/**
 * Recovery tracing: `traceRecovery({ metrics }, async (phase) => { await phase('replay', …); … })` gives a
 * `solo.recovery` span with `solo.recovery.<phase>` children and sets `solo_recovery_seconds`.
 */
export { traceRecovery, RECOVERY_PHASES } from './tracing/recovery-tracing.ts';
export type { RecoveryPhase, TraceRecoveryOptions } from './tracing/recovery-tracing.ts';
/** The actor end of a trace: `solo.actor.call` (timed into the call histogram) and `solo.actor.cast`. */
export { observeActorCall, observeActorCast } from './tracing/actor-tracing.ts';
export type { CastDeliveryFacts } from './tracing/actor-tracing.ts';

/**
 * Hot code replacement and its relatives, reached through `kernel.codeChanges`: `swap` (keeps state through
 * the new version's codeChange; a crash inside the rollback window restores the old code and state),
 * `replace` and `rollback` (restart with fresh state) and `history`. Inputs are validated by the doors.
 */
export { CodeChanges } from './hot-swap/code-changes.ts';
export type { SwapInput, ReplaceInput, RollbackInput } from './hot-swap/code-change-types.ts';
/** The tenant supervision verbs, reached through `kernel.supervision`: `policy` (get/set) and `tree`. */
export { SupervisionVerbs } from './supervision/supervision-verbs.ts';
/** Links and monitors between a node's actors, reached through `kernel.exitSignals`. */
export { ExitSignals } from './links/exit-signals.ts';
/** Poison-message retries of a cast when a deploy does not set `max_cast_attempts` (3). */
export { DEFAULT_MAX_CAST_ATTEMPTS } from './supervision/supervision-options.ts';
/**
 * Service discovery (`kernel.discovery`): `register` (upsert, renews the TTL; `not_found` when the service is not
 * deployed), `deregister` (`not_found` when nothing matched), `discover(tenant, query)` (only registrations the
 * tenant owns or that were shared with it; expired ones never show), `forgetService` (on kill), `purgeExpired`.
 */
export { ServiceRegistry } from './discovery/service-registry.ts';
/** `RegisterInput`: a validated register request; `RegistryBucketPort`: the bucket the registry writes. */
export type { RegisterInput, RegistryBucketPort, ServiceRegistryPort } from './discovery/service-registry.ts';
/** `DiscoverQuery`: name, tag filter, `aliveOnly`, page; `RegistrationRecord`: a registration as stored. */
export type { DiscoverQuery, RegistrationRecord } from './discovery/registration-record.ts';
/** Pure discovery rules: tenant visibility, TTL expiry and query matching. */
export { visibleTo, isExpired, matchesQuery } from './discovery/registration-record.ts';
