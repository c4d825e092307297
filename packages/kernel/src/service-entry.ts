// The kernel's record of one deployed service: its spec, its actor cell and what status reports about it.
import type { Actor } from '@solo/actor-core';
import type { CrashInfo, Json, ResolvedServiceLimits, ServiceId, ServiceStatus, ServiceStatusName, TenantId } from '@solo/protocol';

/** One deployed service as the kernel holds it in memory. */
export interface ServiceEntry {
  readonly tenant: TenantId;
  readonly service: ServiceId;
  readonly key: string;
  version: number;
  codeVersion: string | null;
  artifactHash: string;
  code: string;
  limits: ResolvedServiceLimits;
  args: Json;
  deployedAt: string;
  /** Position in deploy order across the node, for `rest_for_one` and stable listing. */
  deploySeq: number;
  status: ServiceStatusName;
  actor: Actor;
  startedAtMs: number | null;
  restarts: number;
  lastCrash: CrashInfo | null;
  /** Heap bytes of the last incarnation, kept after it died so status still shows something real. */
  lastHeapBytes: number;
}

/** The map key of a service. */
export function serviceKey(tenant: TenantId, service: ServiceId): string {
  return `${tenant}/${service}`;
}

/** The wire status of an entry at `nowMs`. */
export function toServiceStatus(e: ServiceEntry, nowMs: number): ServiceStatus {
  const inc = e.actor.incarnation;
  const alive = inc !== null && !inc.disposed;
  const heap = alive ? inc.heapBytes() : 0;
  if (alive) e.lastHeapBytes = heap;
  return {
    service_id: e.service,
    tenant: e.tenant,
    status: e.status,
    alive,
    version: e.version,
    code_version: e.codeVersion,
    artifact_hash: e.artifactHash,
    heap_bytes: heap,
    mailbox_length: e.actor.mailboxLength,
    messages_handled: e.actor.messagesHandled,
    restarts: e.restarts,
    uptime_ms: alive && e.startedAtMs !== null ? Math.max(0, nowMs - e.startedAtMs) : 0,
    started_at: e.startedAtMs !== null ? new Date(e.startedAtMs).toISOString() : null,
    deployed_at: e.deployedAt,
    last_crash: e.lastCrash,
    limits: e.limits,
  };
}
