// @solo/protocol: the contract every side of Solo shares. No runtime dependency.
export { ERROR_CODES, SoloError, isErrorCode, isSoloError, toWireError, fromWireError } from './error-codes.ts';
export type { ErrorCode, WireError, WireReply } from './error-codes.ts';
export { ID_PATTERN, isValidId, parseTenantId, parseServiceId } from './ids.ts';
export type { TenantId, ServiceId } from './ids.ts';
export {
  eventsStream,
  mailboxStream,
  logsStream,
  deadLetterStream,
  auditStream,
  eventsStreamSubjects,
  mailboxStreamSubjects,
  logsStreamSubjects,
  deadLetterStreamSubjects,
  auditStreamSubjects,
  mailboxConsumerName,
  tenantApiSubject,
  tenantApiWildcard,
  adminApiSubject,
  adminApiWildcard,
  serviceSubject,
  serviceWildcard,
  doorQueueGroup,
  mailboxSubject,
  deadLetterSubject,
  deadLetterFilter,
  eventSubject,
  eventFilter,
  logSubject,
  logFilter,
  auditSubject,
  auditFilter,
  parseTenantApiSubject,
  parseAdminApiSubject,
  parseServiceSubject,
  parseMailboxSubject,
  parseEventSubject,
  parseLogSubject,
  registryBucket,
  placementBucket,
  LMDB_DBS,
  HEADERS,
} from './names.ts';
export type { Subject, StreamName, LmdbDbName } from './names.ts';
export { EVENT_TYPES, isEventType } from './events.ts';
export type { EventType, EventInput, SoloEvent } from './events.ts';
export { SERVICE_HANDLERS } from './service-contract.ts';
export type { Json, CallOptions, ServiceContext, CallResult, ServiceDefinition, DownReason, DownMessage, ExitMessage } from './service-contract.ts';
export { API_VERBS, isApiVerb, MAX_SOURCE_BYTES, MAX_LOG_LINE_BYTES, MAX_TIMER_DELAY_MS, SERVICE_LIMITS, SERVICE_STATUSES, SERVICE_LOG_LEVELS, NODE_LOG_LEVELS, CIRCUIT_STATES } from './wire.ts';
export type {
  ApiVerb,
  ServiceLimits,
  ResolvedServiceLimits,
  SandboxLimits,
  ServiceUsage,
  CircuitState,
  CircuitStatus,
  ServiceStatusName,
  ServiceLogLevel,
  NodeLogLevel,
  DeployRequest,
  DeployReply,
  ServiceRef,
  KillRequest,
  KillReply,
  CrashInfo,
  ServiceStatus,
  ListRequest,
  ListReply,
  CallRequest,
  CallReply,
  CastRequest,
  CastReply,
  EventsRequest,
  EventsReply,
  LogEntry,
  LogsRequest,
  LogsReply,
  FollowRequest,
  FollowReply,
  FollowStopRequest,
  HealthReply,
  RecoveryFigures,
  NodeInfo,
} from './wire.ts';
export { RESTART_TYPES, RESTART_STRATEGIES, ESCALATION_POLICIES } from './exit-reason.ts';
export type { ExitReason, RestartType, RestartStrategy, EscalationPolicy } from './exit-reason.ts';
export type {
  BackoffOptions,
  ServiceSupervisionOptions,
  SupervisionPolicy,
  SupervisionRequest,
  SupervisionReply,
  SupervisedChild,
  TreeReply,
} from './supervision-wire.ts';
/** `parseTagText('role=api,env=prod')`: the text form of tags and discover filters (`invalid_request` when malformed). */
export { parseTagText, TAG_KEY_PATTERN, MAX_TAG_VALUE_LENGTH } from './tag-filter.ts';
/** Bounds of a discovery registration: TTL at most one day, at most 32 tags. */
export { MAX_REGISTRATION_TTL_MS, MAX_REGISTRATION_TAGS } from './discovery-wire.ts';
/**
 * Discovery verbs: `register` (upsert; renews the TTL), `deregister`, `discover` (by name and tag filter; a
 * tenant sees its own registrations and those shared with it) and `services` (every visible registration).
 */
export type {
  Registration,
  RegisterRequest,
  RegisterReply,
  DeregisterRequest,
  DeregisterReply,
  DiscoverRequest,
  DiscoverReply,
  ServicesRequest,
} from './discovery-wire.ts';
export { DEFAULT_ROLLBACK_WINDOW_MS, MAX_ROLLBACK_WINDOW_MS } from './hot-swap-wire.ts';
export type {
  SwapRequest,
  SwapReply,
  ReplaceRequest,
  ReplaceReply,
  RollbackRequest,
  RollbackReply,
  VersionInfo,
  HistoryReply,
} from './hot-swap-wire.ts';
/**
 * Capability tokens: `signToken` (node), `parseToken` + `tokenSignatureValid` + `capabilityOf` (verify),
 * `attenuateToken` (any holder narrows a token without the node), and the permission of every verb.
 */
export {
  PERMISSIONS,
  TENANT_PERMISSIONS,
  OPERATOR_TENANT,
  TOKEN_PREFIX,
  MAX_TOKEN_LENGTH,
  MAX_TOKEN_CAVEATS,
  MAX_SERVICE_PATTERNS,
  VERB_PERMISSIONS,
  isPermission,
  newTokenId,
  checkRateLimit,
  checkPermissions,
  checkServicePatterns,
  matchesServicePattern,
  servicePatternsNarrow,
  signToken,
  parseToken,
  tokenSignatureValid,
  capabilityOf,
  attenuateToken,
} from './capability.ts';
export type { Permission, TokenRateLimit, TokenClaims, TokenCaveat, TokenNarrowing, ParsedToken, Capability } from './capability.ts';
export { TENANT_LIMITS, ADMIN_VERBS, ADMIN_TOKEN_FILE, OPERATOR_CREDENTIALS_FILE } from './security-wire.ts';
export type {
  TenantLimits,
  ResolvedTenantLimits,
  NatsCredentialsWire,
  SoloCredentials,
  TenantInfo,
  TenantCreateRequest,
  TenantCreateReply,
  TenantRef,
  TenantSetLimitsRequest,
  TenantListReply,
  TenantDeleteReply,
  TokenInfo,
  TokenGrantRequest,
  TokenGrantReply,
  TokenRevokeRequest,
  TokenRevokeReply,
  TokenListReply,
  SecretInfo,
  SecretSetRequest,
  SecretSetReply,
  SecretRef,
  SecretListReply,
  SecretExistsReply,
  SecretDeleteReply,
  MasterKeyRotateReply,
  AuditRecord,
  AuditExportRequest,
  AuditExportReply,
  AdminVerb,
} from './security-wire.ts';
/** Static analysis of service code: stable rule ids, findings, and the `validate` verb's request and reply. */
export { ANALYSIS_RULES, ANALYSIS_SEVERITIES } from './analysis-wire.ts';
export type { AnalysisRule, AnalysisSeverity, AnalysisFinding, ValidateRequest, ValidateReply } from './analysis-wire.ts';
