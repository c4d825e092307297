// @solo/kernel: the composition of a node — deploy, kill, status, list, call/cast routing, supervision
// wiring and the managed nats-server.
export { Kernel, newCorrelationId } from './kernel.ts';
export type { KernelOptions } from './kernel.ts';
export { applyEvent, createKernelState, recordKey, MAX_VERSION_HISTORY } from './state/kernel-state.ts';
export type { KernelState, ServiceRecord, ServiceVersionRecord } from './state/kernel-state.ts';
export { canonicalJson } from './state/canonical-json.ts';
export type { RecoveryReport } from './recovery/recover.ts';
export { CHECKPOINTS_KEPT } from './recovery/checkpoints.ts';
export type { DeployInput, KillInput, ListQuery, EventsQuery, LogsQuery, RequestMeta, KernelLogger } from './kernel-types.ts';
export { resolveServiceLimits } from './resolve-limits.ts';
export { startManagedNatsServer } from './nats-server/managed-nats-server.ts';
export type { ManagedNatsServer, ManagedNatsServerOptions } from './nats-server/managed-nats-server.ts';
export { acquireDataDirLock } from './node/data-dir-lock.ts';
export type { DataDirLock } from './node/data-dir-lock.ts';
