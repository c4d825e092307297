// The operator's client: the verbs of `solo.admin.api.<verb>` (tenants, the audit trail, the master key).
import type {
  AuditExportReply,
  AuditExportRequest,
  HealthReply,
  MasterKeyRotateReply,
  NatsCredentialsWire,
  TenantCreateReply,
  TenantDeleteReply,
  TenantInfo,
  TenantLimits,
} from '@solo/protocol';

/**
 * A connection to a Solo node acting as its operator (a token with `admin`). Every method validates its
 * arguments before sending anything; a token without `admin` is refused by the node with `forbidden`.
 */
export interface SoloAdminClient {
  /** Whether the node is ready, and a count of services by state. */
  health(): Promise<HealthReply>;
  /**
   * Creates a tenant with limits (defaults for those not given) and returns its credentials once: its token
   * with every tenant permission and, when the node manages NATS users, its NATS nkey user. Store them with
   * `writeCredentialsFile`; the node keeps neither the token text nor the seed.
   * @throws `invalid_request` (bad id or limits), `already_exists`
   */
  createTenant(tenant: string, limits?: TenantLimits): Promise<TenantCreateReply>;
  /** Every tenant the node knows, with limits and usage. */
  listTenants(): Promise<TenantInfo[]>;
  /** One tenant. @throws `not_found` */
  showTenant(tenant: string): Promise<TenantInfo>;
  /** Changes the limits given; the others keep their value. @throws `not_found`, `invalid_request` */
  setTenantLimits(tenant: string, limits: TenantLimits): Promise<TenantInfo>;
  /**
   * Deletes a tenant: kills its services, revokes its tokens, deletes its secrets and its NATS user.
   * @throws `not_found`
   */
  deleteTenant(tenant: string): Promise<TenantDeleteReply>;
  /**
   * New NATS credentials for the tenant's agents; the old seed stops working at once. The token is unchanged.
   * @throws `not_found`, `unavailable` (the node runs on an external NATS and manages no users)
   */
  rotateTenantNats(tenant: string): Promise<NatsCredentialsWire>;
  /**
   * Audit records (every request on every door), oldest first, filtered by tenant and time.
   * @default req.limit 1000 on the node (at most 10000)
   * @throws `invalid_request`, `unavailable` (the node keeps no audit trail)
   */
  exportAudit(req?: AuditExportRequest): Promise<AuditExportReply>;
  /** Re-wraps every tenant's data key under a new master key. */
  rotateMasterKey(): Promise<MasterKeyRotateReply>;
  /**
   * Asks the node to stop (drain, checkpoint, exit) as SIGTERM would; resolves once it accepted.
   * @throws `unavailable` when the node cannot be stopped through its API
   */
  shutdown(): Promise<{ stopping: boolean }>;
  /** Closes the NATS connection. Idempotent. */
  close(): Promise<void>;
}
