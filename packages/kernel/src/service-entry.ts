// The kernel's runtime view of one deployed service: its durable record (from the kernel state), its actor
// cell and what status reports about it.
import type { Capability } from '@solo/protocol';
import type { Actor } from '@solo/actor-core';
import type { CircuitStatus, CrashInfo, ServiceId, ServiceLogLevel, ServiceStatus, ServiceStatusName, ServiceUsage, TenantId } from '@solo/protocol';
import type { ServiceAdmission } from './admission/service-admission.ts';
import type { ServiceRecord } from './state/kernel-state.ts';

/** One deployed service as the kernel holds it in memory. */
export interface ServiceEntry {
  readonly tenant: TenantId;
  readonly service: ServiceId;
  readonly key: string;
  /** The durable record in the kernel state (spec, current version, history); replaced, never edited here. */
  record: ServiceRecord;
  /** Compiled code of `record.current`. */
  code: string;
  status: ServiceStatusName;
  actor: Actor;
  startedAtMs: number | null;
  restarts: number;
  lastCrash: CrashInfo | null;
  /** Heap bytes of the last incarnation, kept after it died so status still shows something real. */
  lastHeapBytes: number;
  /** Durable services: the last mailbox sequence whose effect is in the LMDB snapshot. */
  appliedSeq: number;
  /**
   * Durable services: casts handled and not yet in a snapshot, by mailbox sequence. Each function hands its cast
   * to the actor again (at the head of its mailbox), for when the incarnation that handled it is gone.
   */
  unsaved?: Map<number, () => void>;
  /** Lowest `ctx.log` level kept, while a deploy runs init before its record exists. @default the record's `options.log_level` */
  logLevel?: ServiceLogLevel;
  /** Circuit breaker, casts in transit and violation rate limit; created on first use (`admissionOf`). */
  admission?: ServiceAdmission;
  /** What `ctx` may do while a deploy runs init before its record exists. @default the record's `options.capability` */
  draftCapability?: Capability | null;
}

/** The map key of a service. */
export function serviceKey(tenant: TenantId, service: ServiceId): string {
  return `${tenant}/${service}`;
}

/**
 * The wire status of an entry at `nowMs`; `supervisorState` is its child machine's state in the tree.
 * `freshHeap: false` reports the heap size last read instead of reading it now: reading costs ~14 µs per
 * isolate, which a list of a thousand services must not pay on every page (the kernel refreshes in the
 * background).
 */
export function toServiceStatus(
  e: ServiceEntry,
  nowMs: number,
  supervisorState: string | null = null,
  opts: { freshHeap?: boolean; admission?: (heapBytes: number) => { usage: ServiceUsage; circuit: CircuitStatus } } = {},
): ServiceStatus {
  const inc = e.actor.incarnation;
  const alive = inc !== null && !inc.disposed;
  const heap = !alive ? 0 : opts.freshHeap === false && e.lastHeapBytes > 0 ? e.lastHeapBytes : inc.heapBytes();
  if (alive) e.lastHeapBytes = heap;
  const r = e.record;
  const status: ServiceStatus = {
    service_id: e.service,
    tenant: e.tenant,
    status: e.status,
    alive,
    version: r.current.version,
    code_version: r.current.code_version,
    artifact_hash: r.current.artifact_hash,
    heap_bytes: heap,
    mailbox_length: e.actor.mailboxLength,
    messages_handled: e.actor.messagesHandled,
    restarts: e.restarts,
    uptime_ms: alive && e.startedAtMs !== null ? Math.max(0, nowMs - e.startedAtMs) : 0,
    started_at: e.startedAtMs !== null ? new Date(e.startedAtMs).toISOString() : null,
    deployed_at: r.deployed_at,
    last_crash: e.lastCrash,
    supervisor_state: supervisorState,
    limits: r.limits,
    restart: r.restart,
    durable: r.durable,
  };
  if (opts.admission) Object.assign(status, opts.admission(heap));
  return status;
}
