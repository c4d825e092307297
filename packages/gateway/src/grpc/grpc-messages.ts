// TypeScript shapes of the solo.v1 messages as proto-loader decodes them (keepCase, longs as numbers,
// defaults filled in), and the JSON fields' parser. Kept beside proto/solo/v1/solo.proto's field list.
import { SoloError } from '@solo/protocol';

/** `DeployRequest`. */
export interface DeployMessage {
  tenant: string;
  service_id: string;
  source: string;
  options_json: string;
}
/** `ServiceRef`. */
export interface ServiceRefMessage {
  tenant: string;
  service_id: string;
}
/** `KillRequest`. */
export interface KillMessage {
  tenant: string;
  service_id: string;
  force: boolean;
  timeout_ms: number;
}
/** `ListRequest`. */
export interface ListMessage {
  tenant: string;
  status: string;
  limit: number;
  offset: number;
}
/** `PageRequest`. */
export interface PageMessage {
  tenant: string;
  limit: number;
  offset: number;
}
/** `WatchRequest`. */
export interface WatchMessage {
  tenant: string;
  service_id: string;
  type: string;
  since_seq: number;
}
/** `LogsRequest`. */
export interface LogsMessage {
  tenant: string;
  service_id: string;
  since_seq: number;
}
/** `RegisterRequest`. */
export interface RegisterMessage {
  tenant: string;
  service_id: string;
  name: string;
  version: string;
  tags: Record<string, string>;
  ttl_ms: number;
  shared_with: string[];
}
/** `DiscoverRequest`. */
export interface DiscoverMessage {
  tenant: string;
  name: string;
  filter: Record<string, string>;
  alive_only: boolean;
  limit: number;
  offset: number;
}
/** `CallRequest`. */
export interface CallMessage {
  tenant: string;
  service_id: string;
  message_json: string;
  timeout_ms: number;
}
/** `CastRequest`. */
export interface CastMessage {
  tenant: string;
  service_id: string;
  message_json: string;
}
/** `JsonReply`. */
export interface JsonReplyMessage {
  json: string;
}
/** `CallReply`. */
export interface CallReplyMessage {
  reply_json: string;
}
/** `Event`. */
export interface EventMessage {
  seq: number;
  type: string;
  service_id: string;
  json: string;
}
/** `LogEntry`. */
export interface LogEntryMessage {
  seq: number;
  service_id: string;
  json: string;
}

/** `HotSwapRequest`. */
export interface HotSwapMessage {
  tenant: string;
  service_id: string;
  source: string;
  filename: string;
  /** proto3 `optional`: undefined when absent. */
  rollback_window_ms?: number;
}
/** `ReplaceRequest`. */
export interface ReplaceMessage {
  tenant: string;
  service_id: string;
  source: string;
  filename: string;
}
/** `RollbackRequest`. */
export interface RollbackMessage {
  tenant: string;
  service_id: string;
  to_version: number;
}
/** `RateLimit`. */
export interface RateLimitMessage {
  requests_per_second: number;
  burst: number;
}
/** `GrantCapabilityRequest`. */
export interface GrantCapabilityMessage {
  tenant: string;
  permissions: string[];
  services: string[];
  /** proto3 `optional`: undefined when absent. */
  ttl_s?: number;
  /** A message field: null when absent. */
  rate_limit: RateLimitMessage | null;
  /** proto3 `optional`: undefined when absent. */
  persistent?: boolean;
  label: string;
}
/** `RevokeCapabilityRequest`. */
export interface RevokeCapabilityMessage {
  tenant: string;
  token_id: string;
}
/** `TenantRequest`. */
export interface TenantMessage {
  tenant: string;
}
/** `SetSecretRequest`. */
export interface SetSecretMessage {
  tenant: string;
  name: string;
  value: string;
}
/** `ValidateRequest`. */
export interface ValidateMessage {
  tenant: string;
  source: string;
  filename: string;
}
/** `SecretRef`. */
export interface SecretRefMessage {
  tenant: string;
  name: string;
}

/** Parses a `*_json` field; an empty field is `fallback`. @throws `invalid_request` naming the field */
export function parseJsonField(text: string, field: string, fallback: unknown): unknown {
  if (text === '') return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SoloError('invalid_request', `Invalid request: ${field} is not valid JSON. Send a JSON value (UTF-8).`, {
      details: { field },
    });
  }
}

/** Proto3 has no "absent" for scalars: the zero value means "not given", so it is left out of the wire body. */
export function given<T>(value: T, zero: T): T | undefined {
  return value === zero ? undefined : value;
}
