// The kernel's durable state as a reducer over the event log: what is deployed, with which code, spec and
// version history. Live operation and recovery apply the same reducer, so replay equals live state.
import type { Json, ResolvedServiceLimits, RestartType, SoloEvent } from '@solo/protocol';
import { applySupervisorPolicySet } from './tenant-supervision.ts';
import { withLimitDefaults } from '../resolve-limits.ts';
import { applySecurityEvent } from './security-state.ts';

/** How many past versions a service keeps for `solo history` and `solo rollback`. */
export const MAX_VERSION_HISTORY = 20;

/** One version of a service's code, as activated at some time. */
export interface ServiceVersionRecord {
  version: number;
  artifact_hash: string;
  code_version: string | null;
  /** When this version became current. */
  at: string;
  /** What made it current. */
  via: 'deploy' | 'swap' | 'swap_rollback' | 'replace' | 'rollback';
}

/** Everything needed to start a service again after a crash of the node. */
export interface ServiceRecord {
  tenant: string;
  service_id: string;
  limits: ResolvedServiceLimits;
  args: Json;
  filename: string;
  restart: RestartType;
  durable: boolean;
  /** Extra spec fields later issues add (supervision overrides, log level, …), kept verbatim. */
  options: Record<string, Json>;
  /** Sequence of the `service_deployed` event: orders `rest_for_one` and listings across restarts. */
  deployed_seq: number;
  deployed_at: string;
  current: ServiceVersionRecord;
  /** Versions that were current at some point, oldest first, at most {@link MAX_VERSION_HISTORY}. */
  history: ServiceVersionRecord[];
  /** Highest version number ever given to this service id's current deployment. */
  last_version: number;
  /** Set when the service failed for good (restart intensity, artifact mismatch); cleared by a new version. */
  failed: { reason: string; at: string } | null;
}

/**
 * The state the log defines. `tenants` holds each tenant's account (limits) and supervision policy, `tokens` the
 * persistent tokens the node granted (never their text), `revocations` the revoked token ids (see
 * `security-state.ts`). `secrets` stays empty: secret values and their metadata live in the LMDB vault.
 */
export interface KernelState {
  /** Sequence of the last event applied. */
  seq: number;
  services: Record<string, ServiceRecord>;
  tenants: Record<string, Json>;
  tokens: Record<string, Json>;
  revocations: Record<string, Json>;
  secrets: Record<string, Json>;
}

/** An empty state (before the first event). */
export function createKernelState(): KernelState {
  return { seq: 0, services: {}, tenants: {}, tokens: {}, revocations: {}, secrets: {} };
}

/** The key of a service in {@link KernelState.services}. */
export function recordKey(tenant: string, service: string): string {
  return `${tenant}/${service}`;
}

function versionFrom(ev: SoloEvent, via: ServiceVersionRecord['via']): ServiceVersionRecord | null {
  const d = ev.data;
  if (typeof d['version'] !== 'number' || typeof d['artifact_hash'] !== 'string') return null;
  return {
    version: d['version'],
    artifact_hash: d['artifact_hash'],
    code_version: typeof d['code_version'] === 'string' ? d['code_version'] : null,
    at: ev.at,
    via,
  };
}

function activate(rec: ServiceRecord, v: ServiceVersionRecord): void {
  rec.current = v;
  rec.last_version = Math.max(rec.last_version, v.version);
  rec.failed = null;
  rec.history.push(v);
  if (rec.history.length > MAX_VERSION_HISTORY) rec.history.splice(0, rec.history.length - MAX_VERSION_HISTORY);
}

const VIA: Partial<Record<SoloEvent['type'], ServiceVersionRecord['via']>> = {
  hot_swap_started: 'swap',
  hot_swap_rolled_back: 'swap_rollback',
  service_replaced: 'replace',
  service_rolled_back: 'rollback',
};

/**
 * Applies one event to `state` in place and returns it. Deterministic and free of I/O; it mutates instead of
 * copying because recovery replays 100k events and a copy per event would make replay quadratic.
 * Events that do not change kernel state only advance `seq`. The contract for events that change code:
 * `data` carries `{ version, artifact_hash, code_version }` of the code that is current *after* the event.
 * Replay applies events in sequence order and only those after the checkpoint; the live kernel applies each
 * event once its append is acknowledged, and serialises operations per service, so order within one service
 * is the log's order.
 */
export function applyEvent(state: KernelState, ev: SoloEvent): KernelState {
  if (ev.seq > state.seq) state.seq = ev.seq;
  if (ev.type === 'supervisor_policy_set') return applySupervisorPolicySet(state, ev);
  if (applySecurityEvent(state, ev)) return state;
  if (ev.tenant === null || ev.service_id === null) return state;
  const key = recordKey(ev.tenant, ev.service_id);
  const rec = state.services[key];
  switch (ev.type) {
    case 'service_deployed': {
      const v = versionFrom(ev, 'deploy');
      const d = ev.data;
      if (!v) return state;
      const next: ServiceRecord = {
        tenant: ev.tenant,
        service_id: ev.service_id,
        // Events from before a limit existed lack it: the default applies (a record is never half-limited).
        limits: withLimitDefaults(d['limits'] as Partial<ResolvedServiceLimits> | undefined),
        args: (d['args'] ?? null) as Json,
        filename: typeof d['filename'] === 'string' ? d['filename'] : `${ev.service_id}.ts`,
        restart: (d['restart'] ?? 'permanent') as RestartType,
        durable: d['durable'] === true,
        options: (d['options'] ?? {}) as Record<string, Json>,
        deployed_seq: ev.seq,
        deployed_at: ev.at,
        current: v,
        history: [],
        last_version: 0,
        failed: null,
      };
      activate(next, v);
      state.services[key] = next;
      return state;
    }
    case 'service_killed':
      delete state.services[key];
      return state;
    case 'service_failed':
      if (rec) rec.failed = { reason: String(ev.data['reason'] ?? 'failed'), at: ev.at };
      return state;
    case 'hot_swap_started':
    case 'hot_swap_rolled_back':
    case 'service_replaced':
    case 'service_rolled_back': {
      const via = VIA[ev.type];
      const v = via ? versionFrom(ev, via) : null;
      if (rec && v) activate(rec, v);
      return state;
    }
    default:
      return state;
  }
}
