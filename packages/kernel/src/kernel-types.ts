// Resolved inputs of the kernel's verbs: the doors validate wire requests and hand these over.
import type { Json, Permission, RestartType, ServiceId, ServiceLimits, ServiceLogLevel, ServiceStatusName, ServiceSupervisionOptions } from '@solo/protocol';

/** Facts about the request that caused an operation. */
export interface RequestMeta {
  correlationId?: string;
}

/** A validated deploy request. */
export interface DeployInput {
  service: ServiceId;
  source: string;
  filename: string;
  args: Json;
  limits: ServiceLimits | undefined;
  restart: RestartType;
  durable: boolean;
  /** `ctx.log` lines below this level are dropped. @default 'debug' */
  logLevel?: ServiceLogLevel;
  /** Intensity, backoff and poison-message overrides; unset fields inherit the tenant's policy. */
  supervision?: ServiceSupervisionOptions;
  /**
   * What the service may do through `ctx` (call, cast, secrets): the deployer's capability, recorded with the
   * deploy. Absent for deploys made inside the kernel (tests, restores of older deploys): tenant-bounded only.
   */
  capability?: ServiceCapability;
}

/** The capability a service acts with: the permissions and service patterns of the token that deployed it. */
export interface ServiceCapability {
  permissions: Permission[];
  /** Every list must admit a target service id. */
  services: string[][];
}

/** A validated kill request. */
export interface KillInput {
  service: ServiceId;
  force: boolean;
  timeoutMs: number | undefined;
}

/** A validated list query (limit already bounded). */
export interface ListQuery {
  status: ServiceStatusName | undefined;
  limit: number;
  offset: number;
}

/** A validated events query. */
export interface EventsQuery {
  service?: ServiceId;
  type?: string;
  sinceSeq?: number;
  sinceTime?: Date;
  limit?: number;
}

/** A validated logs query. */
export interface LogsQuery {
  service?: ServiceId;
  sinceSeq?: number;
  limit?: number;
}

/** Where the kernel writes diagnostics about itself. */
export interface KernelLogger {
  /** Per-request and other chatty records; loggers without a debug level may omit it. */
  debug?(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
