// The request and reply body of every tenant API verb, so one generic request function stays typed.
import type {
  ApiVerb,
  CallReply,
  CallRequest,
  CastReply,
  CastRequest,
  DeployReply,
  DeployRequest,
  EventsReply,
  EventsRequest,
  FollowReply,
  FollowRequest,
  FollowStopRequest,
  HealthReply,
  KillReply,
  KillRequest,
  ListReply,
  ListRequest,
  LogsReply,
  LogsRequest,
  ServiceRef,
  ServiceStatus,
  SupervisionReply,
  SupervisionRequest,
  SwapReply,
  SwapRequest,
  ReplaceReply,
  ReplaceRequest,
  RollbackReply,
  RollbackRequest,
  HistoryReply,
  TreeReply,
  RegisterRequest,
  RegisterReply,
  DeregisterRequest,
  DeregisterReply,
  DiscoverRequest,
  DiscoverReply,
  ServicesRequest,
  AdminVerb,
  AuditExportReply,
  AuditExportRequest,
  MasterKeyRotateReply,
  NatsCredentialsWire,
  SecretDeleteReply,
  SecretExistsReply,
  SecretListReply,
  SecretRef,
  SecretSetReply,
  SecretSetRequest,
  TenantCreateReply,
  TenantCreateRequest,
  TenantDeleteReply,
  TenantInfo,
  TenantListReply,
  TenantRef,
  TenantSetLimitsRequest,
  TokenGrantReply,
  TokenGrantRequest,
  TokenListReply,
  TokenRevokeReply,
  TokenRevokeRequest,
  ValidateReply,
  ValidateRequest,
} from '@solo/protocol';

/** An empty JSON object, the body of verbs that take no argument and the reply of verbs that return nothing. */
export type EmptyBody = Record<string, never>;

/** Request and reply body of each verb (the reply without its `ok` flag). */
export interface ApiVerbTypes {
  deploy: { request: DeployRequest; reply: DeployReply };
  kill: { request: KillRequest; reply: KillReply };
  status: { request: ServiceRef; reply: ServiceStatus };
  list: { request: ListRequest; reply: ListReply };
  call: { request: CallRequest; reply: CallReply };
  cast: { request: CastRequest; reply: CastReply };
  events: { request: EventsRequest; reply: EventsReply };
  events_follow: { request: FollowRequest; reply: FollowReply };
  logs: { request: LogsRequest; reply: LogsReply };
  logs_follow: { request: FollowRequest; reply: FollowReply };
  follow_stop: { request: FollowStopRequest; reply: EmptyBody };
  health: { request: EmptyBody; reply: HealthReply };
  supervision: { request: SupervisionRequest; reply: SupervisionReply };
  tree: { request: EmptyBody; reply: TreeReply };
  swap: { request: SwapRequest; reply: SwapReply };
  replace: { request: ReplaceRequest; reply: ReplaceReply };
  rollback: { request: RollbackRequest; reply: RollbackReply };
  history: { request: ServiceRef; reply: HistoryReply };
  register: { request: RegisterRequest; reply: RegisterReply };
  deregister: { request: DeregisterRequest; reply: DeregisterReply };
  discover: { request: DiscoverRequest; reply: DiscoverReply };
  services: { request: ServicesRequest; reply: DiscoverReply };
  // The node's `ok` is the envelope's, so the analysis verdict is recomputed from the findings.
  validate: { request: ValidateRequest; reply: Omit<ValidateReply, 'ok'> };
  token_grant: { request: TokenGrantRequest; reply: TokenGrantReply };
  token_revoke: { request: TokenRevokeRequest; reply: TokenRevokeReply };
  token_list: { request: EmptyBody; reply: TokenListReply };
  secret_set: { request: SecretSetRequest; reply: SecretSetReply };
  secret_list: { request: EmptyBody; reply: SecretListReply };
  secret_exists: { request: SecretRef; reply: SecretExistsReply };
  secret_delete: { request: SecretRef; reply: SecretDeleteReply };
}

/** Request and reply body of each operator verb (`solo.admin.api.<verb>`), the reply without its `ok` flag. */
export interface AdminVerbTypes {
  health: { request: EmptyBody; reply: HealthReply };
  /** The canonical kernel state dump (for tests and debugging); its shape is the kernel's. */
  state: { request: EmptyBody; reply: { seq: number; checksum: string; state: unknown } };
  tenant_create: { request: TenantCreateRequest; reply: TenantCreateReply };
  tenant_list: { request: EmptyBody; reply: TenantListReply };
  tenant_show: { request: TenantRef; reply: { tenant: TenantInfo } };
  tenant_set_limits: { request: TenantSetLimitsRequest; reply: { tenant: TenantInfo } };
  tenant_delete: { request: TenantRef; reply: TenantDeleteReply };
  tenant_rotate_nats: { request: TenantRef; reply: { nats: NatsCredentialsWire } };
  audit_export: { request: AuditExportRequest; reply: AuditExportReply };
  secrets_rotate_master: { request: EmptyBody; reply: MasterKeyRotateReply };
  shutdown: { request: EmptyBody; reply: { stopping: boolean } };
}

// Fails to compile when protocol gains a verb this table does not type, or loses one it does.
type AssertNever<T extends never> = T;
type _EveryVerbTyped = AssertNever<Exclude<ApiVerb, keyof ApiVerbTypes> | Exclude<keyof ApiVerbTypes, ApiVerb>>;
type _EveryAdminVerbTyped = AssertNever<Exclude<AdminVerb, keyof AdminVerbTypes> | Exclude<keyof AdminVerbTypes, AdminVerb>>;
