// Request and reply bodies of every API verb, as they travel on NATS (JSON, snake_case fields).
import type { SoloEvent } from './events.ts';
import type { Json } from './service-contract.ts';
import type { RestartType } from './exit-reason.ts';
import type { ServiceSupervisionOptions } from './supervision-wire.ts';

/** Every tenant API verb (`solo.t.<tenant>.api.<verb>`). */
export const API_VERBS = [
  'deploy',
  'kill',
  'status',
  'list',
  'call',
  'cast',
  'events',
  'events_follow',
  'logs',
  'logs_follow',
  'follow_stop',
  'health',
  'supervision',
  'tree',
  'swap',
  'replace',
  'rollback',
  'history',
  'register',
  'deregister',
  'discover',
  'services',
  'validate',
  'token_grant',
  'token_revoke',
  'token_list',
  'secret_set',
  'secret_list',
  'secret_exists',
  'secret_delete',
] as const;
/** One tenant API verb. */
export type ApiVerb = (typeof API_VERBS)[number];

/** True when `value` is a tenant API verb. */
export function isApiVerb(value: unknown): value is ApiVerb {
  return typeof value === 'string' && (API_VERBS as readonly string[]).includes(value);
}

/** Largest service source accepted by deploy (1 MiB). */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/**
 * Resource limits of one actor; every field optional on the wire, resolved with the defaults below. The
 * sandbox enforces `memory_mb`, `cpu_ms` and `wall_ms` (crossing one crashes the incarnation); the kernel
 * enforces the others on its call, cast, `ctx.setTimer`, `ctx.emit` and `ctx.log` paths (crossing one refuses
 * that request with `limit_exceeded`, or drops the log line, and never crashes the service by itself). The
 * `circuit_*` fields tune the service's circuit breaker.
 */
export interface ServiceLimits {
  /** Isolate heap limit in MiB. @default 32 */
  memory_mb?: number;
  /** CPU time one handler invocation may use, in ms. @default 1000 */
  cpu_ms?: number;
  /** Wall-clock time one handler invocation may take, awaits included, in ms. @default 5000 */
  wall_ms?: number;
  /**
   * Messages waiting for the actor: calls and casts queued in memory plus casts accepted by this node and not
   * yet delivered to it. A call or cast beyond it gets `limit_exceeded` at once and is not queued. The default
   * keeps one service far below the node's mailbox consumer window (10000 unacked casts for all services), so a
   * slow service cannot hold back every other service's casts. @default 1000
   */
  mailbox_len?: number;
  /** Size of one incoming call or cast message, as serialized JSON in UTF-8 bytes. @default 1048576 (1 MiB) */
  max_message_bytes?: number;
  /**
   * Size of one call reply, as serialized JSON in UTF-8 bytes. A bigger reply is dropped and the caller gets
   * `limit_exceeded`; the service is not crashed and keeps the state its handler returned. @default 1048576
   */
  max_reply_bytes?: number;
  /** Pending timers (volatile and durable) of one actor; `ctx.setTimer` beyond it throws `limit_exceeded`. @default 1000 */
  max_timers?: number;
  /**
   * Size of one `ctx.emit` event: its type and payload as serialized JSON (`{"type":…,"payload":…}`) in UTF-8
   * bytes. A bigger one is not written and `ctx.emit` throws `limit_exceeded`. @default 65536 (64 KiB)
   */
  max_event_bytes?: number;
  /**
   * Events one service may emit per second (a token bucket whose burst is the rate, kept per service on the
   * node across restarts). `ctx.emit` beyond it throws `limit_exceeded` with `details.retry_after_ms`. @default 100
   */
  max_events_per_second?: number;
  /**
   * `ctx.log` lines one service may write per second (a token bucket whose burst is the rate). Lines beyond it
   * are dropped, never thrown: they are counted in `status` and a `resource_violation` says how many. @default 200
   */
  max_log_lines_per_second?: number;
  /** Crashes within `circuit_window_ms` that open the service's circuit breaker; 0 turns the breaker off. @default 5 */
  circuit_crashes?: number;
  /** The window in which `circuit_crashes` crashes open the breaker, in ms. @default 10000 */
  circuit_window_ms?: number;
  /**
   * How long an open breaker refuses calls and casts before it lets one probe through, in ms; doubled after each
   * failed probe, up to 60 s (or this value when it is larger). @default 1000
   */
  circuit_cooldown_ms?: number;
}
/** {@link ServiceLimits} with every default applied. */
export type ResolvedServiceLimits = Required<ServiceLimits>;
/** The limits a sandbox enforces on one incarnation (the rest are the kernel's). */
export type SandboxLimits = Pick<ResolvedServiceLimits, 'memory_mb' | 'cpu_ms' | 'wall_ms'>;

/** Defaults and bounds of {@link ServiceLimits}. */
export const SERVICE_LIMITS = {
  memory_mb: { default: 32, min: 8, max: 1024 },
  cpu_ms: { default: 1000, min: 1, max: 60_000 },
  wall_ms: { default: 5000, min: 1, max: 300_000 },
  mailbox_len: { default: 1000, min: 1, max: 100_000 },
  max_message_bytes: { default: 1024 * 1024, min: 16, max: 8 * 1024 * 1024 },
  max_reply_bytes: { default: 1024 * 1024, min: 16, max: 8 * 1024 * 1024 },
  max_timers: { default: 1000, min: 1, max: 100_000 },
  // 1 MiB at most: a read of events always fits at least one event in a reply, far below NATS max_payload (8 MiB).
  max_event_bytes: { default: 64 * 1024, min: 64, max: 1024 * 1024 },
  max_events_per_second: { default: 100, min: 1, max: 10_000 },
  max_log_lines_per_second: { default: 200, min: 1, max: 10_000 },
  circuit_crashes: { default: 5, min: 0, max: 1000 },
  circuit_window_ms: { default: 10_000, min: 100, max: 3_600_000 },
  circuit_cooldown_ms: { default: 1000, min: 10, max: 600_000 },
} as const satisfies Record<keyof ServiceLimits, { default: number; min: number; max: number }>;

/**
 * Longest `ctx.log` line: its message and data as serialized JSON, in UTF-8 bytes (16 KiB). A longer line is
 * cut, not refused: its message is shortened (ending in `…`) and its data replaced by
 * `{ truncated: true, original_bytes, head }`, `head` being the start of the data's JSON.
 */
export const MAX_LOG_LINE_BYTES = 16 * 1024;

/** Longest delay `ctx.setTimer` accepts, volatile or durable, in ms (365 days); longer ones get `invalid_request`. */
export const MAX_TIMER_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

/** Lifecycle status of a service, as shown by `status` and `list`. */
export const SERVICE_STATUSES = ['starting', 'running', 'crashed', 'restarting', 'stopping', 'stopped', 'failed'] as const;
/** One service status. */
export type ServiceStatusName = (typeof SERVICE_STATUSES)[number];

/** Levels of a service's `ctx.log`, lowest first; a deploy's `log_level` drops lines below it. */
export const SERVICE_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** One service log level. */
export type ServiceLogLevel = (typeof SERVICE_LOG_LEVELS)[number];
/** Levels of a node's own log (`solo up --log-level`), lowest first; `silent` writes nothing. */
export const NODE_LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
/** One node log level. */
export type NodeLogLevel = (typeof NODE_LOG_LEVELS)[number];

export interface DeployRequest extends ServiceSupervisionOptions {
  service_id: string;
  /** TypeScript or JavaScript source of the module (at most {@link MAX_SOURCE_BYTES}). */
  source: string;
  /** File name, used in compile errors. @default '<service_id>.ts' */
  filename?: string;
  /** Argument passed to `init`. @default null */
  args?: Json;
  limits?: ServiceLimits;
  /** OTP restart type. @default 'permanent' */
  restart?: RestartType;
  /**
   * Snapshot the actor's state in LMDB after every handled message (with the last applied mailbox sequence),
   * so state survives crashes and restarts of the node and redelivered casts are applied once. @default false
   */
  durable?: boolean;
  /** `ctx.log` lines below this level are dropped before they reach `SOLO_LOGS`. @default 'debug' */
  log_level?: ServiceLogLevel;
}
export interface DeployReply {
  service_id: string;
  tenant: string;
  /** Deploy counter of this service id: 1 for the first deploy. */
  version: number;
  /** The `version` label the module exports, when it has one. */
  code_version: string | null;
  /** sha256 hex of the compiled artifact. */
  artifact_hash: string;
  deployed_at: string;
  duration_ms: number;
  /** Sequence of the `service_deployed` event. */
  event_seq: number;
}

export interface ServiceRef {
  service_id: string;
}

export interface KillRequest extends ServiceRef {
  /** Skip `terminate` and stop at once. @default false */
  force?: boolean;
  /** How long `terminate` may take before the actor is stopped anyway. @default 5000 */
  timeout_ms?: number;
}
export interface KillReply {
  service_id: string;
  killed_at: string;
  /** 'normal' when terminate ran to completion, 'forced' otherwise. */
  mode: 'normal' | 'forced';
}

export interface CrashInfo {
  reason: string;
  code: string;
  at: string;
}

export interface ServiceStatus {
  service_id: string;
  tenant: string;
  status: ServiceStatusName;
  alive: boolean;
  version: number;
  code_version: string | null;
  artifact_hash: string;
  heap_bytes: number;
  /** Casts received by the node for this actor and not yet handled. */
  mailbox_length: number;
  messages_handled: number;
  restarts: number;
  uptime_ms: number;
  started_at: string | null;
  deployed_at: string;
  last_crash: CrashInfo | null;
  /** State of the service's child machine in the supervision tree (e.g. `backoff`), null when unsupervised. */
  supervisor_state: string | null;
  limits: ResolvedServiceLimits;
  /** Restart type of the service under its supervisor. */
  restart: RestartType;
  /** Whether the actor's state is snapshotted and survives crashes and restarts of the node. */
  durable: boolean;
  /** What the service uses of its limits right now. Set by `status` (not by `list`). */
  usage?: ServiceUsage;
  /** The service's circuit breaker. Set by `status` (not by `list`). */
  circuit?: CircuitStatus;
}

/** What a service uses of its {@link ServiceLimits}, as `status` shows it. */
export interface ServiceUsage {
  /** Isolate heap in use (as `heap_bytes`), and `memory_mb` in bytes. */
  memory_bytes: number;
  memory_limit_bytes: number;
  /** Messages waiting for the actor (as `mailbox_len` counts them), and `mailbox_len`. */
  mailbox_len: number;
  mailbox_limit: number;
  /** Pending timers, volatile and durable, and `max_timers`. */
  timers: number;
  timers_limit: number;
  /** Wall time of the last handler that completed, in ms (null before the first), beside `wall_ms` and `cpu_ms`. */
  last_handler_ms: number | null;
  wall_limit_ms: number;
  cpu_limit_ms: number;
  /** Calls and casts of the service's tenant admitted on this node and not finished (what load shedding weighs). */
  tenant_in_flight: number;
  /** Events `ctx.emit` wrote, and calls it refused (over `max_event_bytes` or `max_events_per_second`), on this node. */
  events_emitted: number;
  events_refused: number;
  /** Events the service may emit right now before the rate refuses one (its bucket), and `max_events_per_second`. */
  event_budget_left: number;
  events_per_second_limit: number;
  /** `ctx.log` lines dropped by `max_log_lines_per_second`, and lines cut to {@link MAX_LOG_LINE_BYTES}, on this node. */
  log_lines_dropped: number;
  log_lines_truncated: number;
  /** Lines the service may log right now before the rate drops one, and `max_log_lines_per_second`. */
  log_budget_left: number;
  log_lines_per_second_limit: number;
}

/** States of a service's circuit breaker. */
export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
/** One circuit breaker state. */
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/** A service's circuit breaker, as `status` shows it. */
export interface CircuitStatus {
  /** `open`: calls and casts fail fast with `unavailable`; `half_open`: one probe is let through. */
  state: CircuitState;
  /** Crashes counted in the current window. */
  crashes: number;
  /** When the breaker last opened, or null while it has never opened since it last closed. */
  opened_at: string | null;
  /** How long until an open breaker lets a probe through, or null when closed. */
  retry_after_ms: number | null;
  /** The cool-down the breaker waits (or will wait) while open, in ms. */
  cooldown_ms: number;
}

export interface ListRequest {
  status?: ServiceStatusName;
  /** Page size, 1–1000. @default 100 */
  limit?: number;
  /** @default 0 */
  offset?: number;
}
export interface ListReply {
  services: ServiceStatus[];
  total: number;
  /** Offset of the next page, or null on the last page. */
  next_offset: number | null;
}

export interface CallRequest extends ServiceRef {
  message: Json;
  /** @default 5000 */
  timeout_ms?: number;
}
export interface CallReply {
  reply: Json;
}

export interface CastRequest extends ServiceRef {
  message: Json;
}
export interface CastReply {
  /** Mailbox stream sequence of the accepted message. */
  seq: number;
}

export interface EventsRequest {
  service_id?: string;
  type?: string;
  since_seq?: number;
  /** ISO-8601 time; events at or after it. */
  since_time?: string;
  /** @default 100, at most 1000 */
  limit?: number;
}
export interface EventsReply {
  events: SoloEvent[];
  /** Sequence to pass as `since_seq` for the next page (last returned + 1), or null when nothing was returned. */
  next_seq: number | null;
  /**
   * True when the page stopped short of `limit` at the reply byte budget (512 KiB of events; a single larger
   * event still comes alone): more events may follow from `next_seq`.
   */
  truncated: boolean;
}

export interface LogEntry {
  seq: number;
  at: string;
  tenant: string;
  service_id: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Json;
}
export interface LogsRequest {
  service_id?: string;
  since_seq?: number;
  /** @default 100, at most 1000 */
  limit?: number;
}
export interface LogsReply {
  entries: LogEntry[];
  next_seq: number | null;
  /** True when the page stopped short of `limit` at the reply byte budget (512 KiB): more may follow from `next_seq`. */
  truncated: boolean;
}

/**
 * A live tail. The node publishes each item to `inbox` (header `Solo-Seq`), and every few seconds sends a
 * heartbeat request there; the follow ends when no one answers it, or on `follow_stop`.
 */
export interface FollowRequest {
  inbox: string;
  service_id?: string;
  type?: string;
  since_seq?: number;
}
export interface FollowReply {
  follow_id: string;
}
export interface FollowStopRequest {
  follow_id: string;
}

export interface HealthReply {
  status: 'starting' | 'recovering' | 'ready' | 'stopping';
  node_id: string;
  version: string;
  uptime_ms: number;
  services: { running: number; failed: number; restarting: number; total: number };
  /** What the last start-up recovery did; null until it completed. */
  recovery: RecoveryFigures | null;
}

/** What a node's start-up recovery did, as in `recovery_completed` and `health`. */
export interface RecoveryFigures {
  /** Sequence of the checkpoint recovery started from; 0 for a full replay. */
  checkpoint_seq: number;
  replayed_events: number;
  services: number;
  started: number;
  failed: number;
  rejected_checkpoints: number;
  duration_ms: number;
}

/** Where a running node listens, as written to `<data dir>/node.json` by `solo up`. */
export interface NodeInfo {
  node_id: string;
  nats_url: string;
  data_dir: string;
  pid: number;
  nats_pid: number | null;
  embedded_nats: boolean;
  started_at: string;
  /** Base URL of the node's HTTP door (`/metrics`, `/health`), e.g. `http://127.0.0.1:40123`. */
  http_url: string;
  /** Address of the node's gRPC door (mutual TLS), e.g. `grpcs://127.0.0.1:40124`. */
  grpc_url: string;
  /** Where service isolates run: `process` (sandbox host processes) or `isolate` (the node's process). Absent in files of older nodes. */
  sandbox?: 'process' | 'isolate';
}
