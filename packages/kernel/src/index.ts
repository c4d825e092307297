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
/**
 * Tenant isolation on the embedded nats-server (#5): static nkey users with allow-lists, no anonymous access.
 * `NatsAuthority.open(dir)` keeps the kernel, operator and tenant users (`addTenant` returns a tenant's seed once;
 * `rotateTenant`, `removeTenant`), `writeConfig()` renders auth.conf and `ManagedNatsServer.reload()` applies it
 * without a restart. `natsAuthOptions(creds)` gives nats.js `connect()` its authenticator and inbox prefix.
 * `tenantPermissions(tenant)` is what an external NATS server must grant a tenant's user.
 */
export { NatsAuthority } from './nats-server/nats-authority.ts';
export type { NatsUserCredentials } from './nats-server/nats-authority.ts';
export { natsAuthOptions } from './nats-server/nats-auth-client.ts';
export { OPERATOR_INBOX_PREFIX, tenantInboxPrefix, tenantPermissions } from './nats-server/nats-auth-permissions.ts';
export type { NatsPermissions } from './nats-server/nats-auth-permissions.ts';

/**
 * The secrets vault (issue #5): envelope encryption, AES-256-GCM per value under a per-tenant data key that
 * the master key wraps. `SecretVault.open({ local, master, dataDir, now? })` (now @default Date.now) settles an
 * interrupted rotation and re-wraps keys from SOLO_MASTER_KEY_PREVIOUS; then, all synchronous: `set` (create or
 * overwrite, version + 1), `get` (the only way plaintext leaves), `exists`, `list` (metadata only), `delete`,
 * `deleteTenant`, `rotateMaster` and `masterKeyId`.
 * @throws `invalid_request` for a bad tenant id, name or value type, for a master key that did not seal the
 * stored data keys, and for `rotateMaster` with a key from SOLO_MASTER_KEY; `not_found` from `get` when unset;
 * `limit_exceeded` past MAX_SECRET_BYTES or MAX_SECRETS_PER_TENANT; `internal` for a tampered or damaged record.
 */
export { SecretVault } from './security/vault.ts';
export type { SecretMeta, SecretVaultOptions } from './security/vault.ts';
/**
 * Loads the master key: SOLO_MASTER_KEY (32 bytes, base64 or 64 hex) or `<dataDir>/keys/master.key` (created,
 * 0600 in a 0700 dir). `env` @default process.env. `masterKeyId(key)`: first 16 hex of sha256, never the key.
 * @throws `invalid_request` for a malformed variable or a key file that is not 32 bytes or is wider than 0600.
 */
export { loadMasterKey, masterKeyId, MASTER_KEY_ENV, PREVIOUS_MASTER_KEY_ENV } from './security/master-key.ts';
export type { MasterKey, MasterKeySource } from './security/master-key.ts';
/**
 * Secret names and limits: `parseSecretName` (`^[A-Za-z][A-Za-z0-9_-]{0,127}$`, @throws `invalid_request`
 * naming the broken rule), `MAX_SECRET_BYTES` (64 KiB of UTF-8), `MAX_SECRETS_PER_TENANT` (1000).
 */
export { parseSecretName, MAX_SECRET_BYTES, MAX_SECRETS_PER_TENANT } from './security/secret-names.ts';
/**
 * Capability security (issue #5): `kernel.security.authorize({door, verb, tenant, token, service})` is the one
 * check of every door (token signature, tenant, permission, service pattern, expiry, revocation, rate
 * limits) and returns the {@link Principal}; `kernel.security.tokens` grants, verifies, revokes and lists;
 * `kernel.security.tenants` holds tenant accounts; `loadTokenKey` reads or creates the signing key.
 */
export { NodeSecurity, capabilityAllows, tokenIdOf } from './security/node-security.ts';
export type { AuthorizeRequest, Principal, RequestDoor } from './security/node-security.ts';
export { TokenAuthority, DEFAULT_TOKEN_TTL_S, MAX_TOKEN_TTL_S } from './security/token-authority.ts';
export type { MintRequest } from './security/token-authority.ts';
export { TenantDirectory, defaultTenantLimits, resolveTenantLimits } from './security/tenant-directory.ts';
export { TenantAdmin } from './security/tenant-admin.ts';
export type { TenantNatsUsers } from './security/tenant-admin.ts';
export { SecretVerbs } from './security/secret-verbs.ts';
export type { SecretStore } from './security/secret-store.ts';
export { RateLimiter } from './security/rate-limiter.ts';
export { loadTokenKey, TOKEN_KEY_BYTES } from './security/token-key.ts';
export type { TenantUsage } from './security/tenant-quota.ts';
export type { ServiceCapability } from './kernel-types.ts';
/**
 * The audit trail (`AuditLog`): `record(r)` appends one request's record to the audit stream without waiting and
 * counts denials (`unauthorized`, `forbidden`, `rate_limited`) per token and per tenant; when one key reaches
 * `alertThreshold` (@default 10) denials within `alertWindowMs` (@default 60000) it calls `onAlert` at most once per
 * key per window; `maxTrackedKeys` (@default 10000) bounds memory. `export(q)` reads records back.
 * @throws (constructor) `invalid_request` for an option out of range; (export) `invalid_request` for a bad tenant,
 * date or limit (1–10000), `unavailable` when NATS is down.
 */
export { AuditLog } from './security/audit-log.ts';
export type { AuditLogOptions, AuditStreamPort } from './security/audit-log.ts';
/** The outcomes counted as denials, and the alert `onAlert` receives (the node turns it into `security_alert`). */
export { DENIAL_OUTCOMES } from './security/denial-watch.ts';
export type { SecurityAlert, DenialWatchOptions } from './security/denial-watch.ts';
/**
 * Load shedding options of a node (`KernelOptions.admission`): `maxInFlight` (@default 4096), `maxEventLoopLagMs`
 * (@default 100), `maxRssBytes` (@default 80% of the machine's memory; 0 = off), `sampleIntervalMs` (@default 100)
 * and `accounting` (internal, benchmarks only; @default true). Per-service limits are the deploy's `limits`.
 */
export type { AdmissionOptions } from './admission/admission-options.ts';
