// Request and reply bodies of the security verbs: tenants (operator), tokens, secrets and the audit trail.
import type { Permission, TokenRateLimit } from './capability.ts';

/** Limits of one tenant; the operator sets them, every field optional on the wire. */
export interface TenantLimits {
  /** Services the tenant may run at once. @default 100 */
  max_services?: number;
  /** Sum of the `memory_mb` limits of the tenant's services. @default 4096 */
  max_memory_mb?: number;
  /** Requests per second over every door, and the burst above it. @default {requests_per_second: 1000, burst: 2000} */
  rate?: TokenRateLimit;
}
/** {@link TenantLimits} with every default applied. */
export type ResolvedTenantLimits = Required<TenantLimits>;

/** Defaults and bounds of {@link TenantLimits}. */
export const TENANT_LIMITS = {
  max_services: { default: 100, min: 0, max: 100_000 },
  max_memory_mb: { default: 4096, min: 0, max: 1_048_576 },
  rate: { default: { requests_per_second: 1000, burst: 2000 } },
} as const;

/** File of the operator's token in a node's data dir (mode 0600). */
export const ADMIN_TOKEN_FILE = 'admin.token';
/** File of the operator's credentials (token + NATS user) in a node's data dir (mode 0600); the CLI's default. */
export const OPERATOR_CREDENTIALS_FILE = 'operator.credentials.json';

/** NATS credentials of a tenant's agents (an nkey user allowed only the tenant's subjects). */
export interface NatsCredentialsWire {
  /** Public nkey of the user. */
  user: string;
  /** The nkey seed: a secret, shown once. */
  seed: string;
  /** Inbox prefix the client must use (`_INBOX_<tenant>`): the only subjects it may subscribe to. */
  inbox_prefix: string;
}

/**
 * Everything an agent needs to reach Solo as one tenant: the file `solo tenant create` writes (mode 0600) and
 * `--credentials` / `SOLO_CREDENTIALS` read.
 */
export interface SoloCredentials {
  kind: 'solo-credentials';
  version: 1;
  /** Tenant the token acts for; null for the operator. */
  tenant: string | null;
  token: string;
  /** NATS URL of the node, when known. */
  nats_url?: string;
  /** Absent when the node does not manage NATS users (an external NATS: the operator configures them). */
  nats?: NatsCredentialsWire;
}

export interface TenantInfo {
  tenant: string;
  limits: ResolvedTenantLimits;
  created_at: string;
  /** Services running now, memory reserved by their limits. */
  usage: { services: number; memory_mb: number };
}
export interface TenantCreateRequest {
  tenant: string;
  limits?: TenantLimits;
}
export interface TenantCreateReply {
  tenant: TenantInfo;
  /** The tenant's token and NATS credentials, shown once. */
  credentials: SoloCredentials;
}
export interface TenantRef {
  tenant: string;
}
export interface TenantSetLimitsRequest {
  tenant: string;
  limits: TenantLimits;
}
export interface TenantListReply {
  tenants: TenantInfo[];
}
export interface TenantDeleteReply {
  tenant: string;
  deleted: boolean;
  services_killed: number;
  tokens_revoked: number;
  secrets_deleted: number;
}

/** A token as the node remembers it (never the token text). */
export interface TokenInfo {
  token_id: string;
  tenant: string;
  permissions: Permission[];
  services: string[];
  expires_at: string | null;
  rate_limit: TokenRateLimit | null;
  persistent: boolean;
  label: string | null;
  granted_at: string;
  /** Token id of the grant's parent chain, root first. */
  ancestors: string[];
  revoked: boolean;
}
export interface TokenGrantRequest {
  permissions: Permission[];
  /** Service-id patterns. @default the granter's */
  services?: string[];
  /** Lifetime in seconds. @default 86400 (one day); 0 for no expiry (only if the granter has none) */
  ttl_s?: number;
  rate_limit?: TokenRateLimit;
  /** Recorded in the event log and valid across restarts. @default true */
  persistent?: boolean;
  label?: string;
}
export interface TokenGrantReply {
  token: string;
  info: TokenInfo;
}
export interface TokenRevokeRequest {
  token_id: string;
}
export interface TokenRevokeReply {
  token_id: string;
  revoked: boolean;
}
export interface TokenListReply {
  tokens: TokenInfo[];
}

/** A secret as listed: never its value. */
export interface SecretInfo {
  name: string;
  size: number;
  version: number;
  created_at: string;
  updated_at: string;
}
export interface SecretSetRequest {
  name: string;
  value: string;
}
export interface SecretSetReply {
  secret: SecretInfo;
}
export interface SecretRef {
  name: string;
}
export interface SecretListReply {
  secrets: SecretInfo[];
}
export interface SecretExistsReply {
  name: string;
  exists: boolean;
}
export interface SecretDeleteReply {
  name: string;
  deleted: boolean;
}
export interface MasterKeyRotateReply {
  master_key_id: string;
  rewrapped: number;
}

/** One audit record: every API request on every door appends one. */
export interface AuditRecord {
  at: string;
  door: 'nats' | 'grpc' | 'rest' | 'service';
  verb: string;
  /** Tenant acted for (null when the request named none, e.g. an operator verb). */
  tenant: string | null;
  token_id: string | null;
  /** `ok` or the error code. */
  outcome: string;
  correlation_id: string;
  duration_ms: number;
  service_id?: string;
}
export interface AuditExportRequest {
  tenant?: string;
  /** ISO-8601 time. */
  since?: string;
  limit?: number;
}
export interface AuditExportReply {
  records: AuditRecord[];
  /** More records matched than `limit` allowed. */
  truncated: boolean;
}

/** Every operator verb (`solo.admin.api.<verb>`). */
export const ADMIN_VERBS = [
  'health',
  'state',
  'tenant_create',
  'tenant_list',
  'tenant_show',
  'tenant_set_limits',
  'tenant_delete',
  'tenant_rotate_nats',
  'audit_export',
  'secrets_rotate_master',
  'shutdown',
] as const;
/** One operator verb. */
export type AdminVerb = (typeof ADMIN_VERBS)[number];
