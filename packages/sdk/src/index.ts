// @solo/sdk: the typed client over NATS that agents, the CLI and tests use, and the types a service author imports.

/** Open a client (`connectSolo`) and the default deadline of `SoloClient.call`. */
export { connectSolo, DEFAULT_CALL_TIMEOUT_MS } from './nats/connect-solo.ts';
/** Open an operator client (`connectSoloAdmin`): tenants, the audit trail, the master key. */
export { connectSoloAdmin } from './nats/connect-solo-admin.ts';
/**
 * Client options, their defaults and their validation. Both clients take a `credentials` document or file
 * path that fills the token, NATS nkey user, inbox prefix, URL and (connectSolo) tenant.
 */
export { DEFAULT_REQUEST_TIMEOUT_MS } from './connection-options.ts';
export type { ConnectionOptions, ResolvedConnectionOptions, CredentialsFileReader } from './connection-options.ts';
export { resolveClientOptions } from './client-options.ts';
export type { SoloClientOptions, ResolvedSoloClientOptions } from './client-options.ts';
export { resolveAdminClientOptions } from './admin-client-options.ts';
export type { SoloAdminClientOptions, ResolvedSoloAdminClientOptions } from './admin-client-options.ts';
/** The client interfaces and the live-tail handle returned by `followEvents` / `followLogs`. */
export type { SoloClient, Follow, FollowOptions } from './solo-client.ts';
export type { SoloAdminClient } from './solo-admin-client.ts';
/** Request and reply body of every tenant and operator verb, for code that speaks the wire directly. */
export type { ApiVerbTypes, AdminVerbTypes } from './api-types.ts';
/** Credentials files: read (refused when readable by others: `chmod 600`) and written (0600, atomic, no clobber). */
export { readCredentialsFile, writeCredentialsFile } from './fs/credentials-file.ts';
/** The shape check of a credentials document, for credentials that arrive by other means than a file. */
export { parseSoloCredentials, CREDENTIALS_KIND } from './credentials.ts';
/** Writes a secret (e.g. a token) to a file only its owner can read, atomically; refuses to clobber unless forced. */
export { writePrivateFile, PRIVATE_FILE_MODE } from './fs/private-file.ts';
export type { WritePrivateFileOptions } from './fs/private-file.ts';
/**
 * Narrows a token without the node (fewer permissions or services, earlier expiry, lower rate); the result
 * can be handed to a less trusted agent. @throws `forbidden` when the narrowing would widen the token
 */
export { attenuateToken, PERMISSIONS } from '@solo/protocol';
export type { Permission, TokenNarrowing, TokenRateLimit } from '@solo/protocol';
/** The `validate` verb's body and reply (static analysis findings). */
export type { AnalysisFinding, AnalysisRule, AnalysisSeverity, ValidateRequest, ValidateReply } from '@solo/protocol';
/** Decodes a reply envelope `{ ok, ... }`; throws the node's SoloError when `ok` is false. */
export { unwrapReply } from './reply-envelope.ts';
/** Finds a local node through `<data dir>/node.json`. */
export { readNodeInfo, isNodeInfo, NODE_INFO_FILE } from './fs/node-info.ts';
/** The operator's credentials a local node writes to `<data dir>/operator.credentials.json` (null when absent). */
export { readOperatorCredentials } from './fs/operator-credentials.ts';
export { OPERATOR_CREDENTIALS_FILE } from '@solo/protocol';
/** Errors: match on `code` with `isSoloError(err, 'not_found')`. */
export { SoloError, isSoloError } from '@solo/protocol';
/** The service contract: `import type { ServiceDefinition } from '@solo/sdk'` in a service module. */
export type {
  ServiceDefinition,
  ServiceContext,
  Json,
  CallResult,
  CallOptions,
  ErrorCode,
  NodeInfo,
  DownMessage,
  DownReason,
  ExitMessage,
} from '@solo/protocol';
/** Wire types of the requests and replies, so a client needs only `@solo/sdk`. */
export type {
  DeployRequest,
  DeployReply,
  KillRequest,
  KillReply,
  ServiceStatus,
  ServiceStatusName,
  ServiceLimits,
  CrashInfo,
  ListRequest,
  ListReply,
  CallReply,
  CastReply,
  EventsRequest,
  EventsReply,
  LogsRequest,
  LogsReply,
  LogEntry,
  HealthReply,
  SoloEvent,
  EventType,
  WireError,
  BackoffOptions,
  ServiceSupervisionOptions,
  SupervisionPolicy,
  SupervisionRequest,
  SupervisionReply,
  SupervisedChild,
  TreeReply,
  SwapRequest,
  SwapReply,
  ReplaceRequest,
  ReplaceReply,
  RollbackRequest,
  RollbackReply,
  VersionInfo,
  HistoryReply,
  SoloCredentials,
  NatsCredentialsWire,
  TenantLimits,
  TenantInfo,
  TenantCreateReply,
  TenantDeleteReply,
  TokenInfo,
  TokenGrantRequest,
  TokenGrantReply,
  TokenRevokeReply,
  SecretInfo,
  AuditRecord,
  AuditExportRequest,
  AuditExportReply,
  MasterKeyRotateReply,
} from '@solo/protocol';
/** Defaults and bounds of a swap's rollback window (30 s by default, 1 h at most). */
export { DEFAULT_ROLLBACK_WINDOW_MS, MAX_ROLLBACK_WINDOW_MS } from '@solo/protocol';
