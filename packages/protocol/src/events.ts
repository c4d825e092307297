// Event types of the log, in the past tense, and the shape of one event as stored and as read.

/** Every event type the kernel appends. */
export const EVENT_TYPES = [
  'node_started',
  'node_stopped',
  'service_deployed',
  'service_deployment_failed',
  'service_started',
  'service_killed',
  'service_crashed',
  'service_restarted',
  'service_failed',
  'supervisor_escalated',
  'supervisor_policy_set',
  'service_exited',
  'message_dead_lettered',
  'hot_swap_started',
  'hot_swap_succeeded',
  'hot_swap_rolled_back',
  'service_replaced',
  'service_rolled_back',
  'service_emitted',
  'recovery_started',
  'recovery_completed',
  'checkpoint_rejected',
  'inconsistency_fixed',
  'timer_fired',
  'tenant_created',
  'tenant_limits_set',
  'tenant_deleted',
  'capability_granted',
  'capability_revoked',
  'capability_denied',
  'secret_stored',
  'secret_deleted',
  'secret_accessed',
  'secret_access_denied',
  'master_key_rotated',
  'security_alert',
  'resource_violation',
  'circuit_opened',
  'circuit_closed',
] as const;
/** One event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** True when `value` is a known event type. */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** An event as appended (the stream assigns `seq`). */
export interface EventInput {
  type: EventType;
  /** Tenant the event belongs to; null for node-wide events. */
  tenant: string | null;
  /** Service the event is about; null for tenant-wide or node events. */
  service_id: string | null;
  /** ISO-8601 time at which the kernel recorded it. */
  at: string;
  /** Correlation id of the request that caused it, when there was one. */
  correlation_id?: string;
  /** Type-specific payload (JSON). */
  data: Record<string, unknown>;
}

/** An event as read back from the log. */
export interface SoloEvent extends EventInput {
  /** Stream sequence: strictly increasing, the event's position in the log. */
  seq: number;
}
