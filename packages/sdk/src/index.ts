// @solo/sdk: the typed client over NATS that agents, the CLI and tests use, and the types a service author imports.

/** Open a client (`connectSolo`) and the default deadline of `SoloClient.call`. */
export { connectSolo, DEFAULT_CALL_TIMEOUT_MS } from './nats/connect-solo.ts';
/** Client options, their defaults and their validation. */
export { DEFAULT_REQUEST_TIMEOUT_MS, resolveClientOptions } from './client-options.ts';
export type { SoloClientOptions, ResolvedSoloClientOptions } from './client-options.ts';
/** The client interface and the live-tail handle returned by `followEvents` / `followLogs`. */
export type { SoloClient, Follow, FollowOptions } from './solo-client.ts';
/** Request and reply body of every API verb, for code that speaks the wire directly. */
export type { ApiVerbTypes } from './api-types.ts';
/** Decodes a reply envelope `{ ok, ... }`; throws the node's SoloError when `ok` is false. */
export { unwrapReply } from './reply-envelope.ts';
/** Finds a local node through `<data dir>/node.json`. */
export { readNodeInfo, isNodeInfo, NODE_INFO_FILE } from './fs/node-info.ts';
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
} from '@solo/protocol';
/** Defaults and bounds of a swap's rollback window (30 s by default, 1 h at most). */
export { DEFAULT_ROLLBACK_WINDOW_MS, MAX_ROLLBACK_WINDOW_MS } from '@solo/protocol';
