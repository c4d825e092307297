// The client interface an agent or the CLI talks to: one method per tenant API verb.
import type {
  CallOptions,
  CallReply,
  CastReply,
  DeployReply,
  DeployRequest,
  EventsReply,
  EventsRequest,
  FollowRequest,
  HealthReply,
  Json,
  KillReply,
  KillRequest,
  ListReply,
  ListRequest,
  LogEntry,
  LogsReply,
  LogsRequest,
  ServiceStatus,
  SoloEvent,
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
  Registration,
  DeregisterRequest,
  DiscoverRequest,
  DiscoverReply,
  ServicesRequest,
  SecretInfo,
  TokenGrantReply,
  TokenGrantRequest,
  TokenInfo,
  TokenRevokeReply,
  ValidateReply,
} from '@solo/protocol';

/** What to tail: every field of {@link FollowRequest} except the inbox, which the client creates. */
export type FollowOptions = Omit<FollowRequest, 'inbox'>;

/**
 * A live tail of events or logs. Iterate it once with `for await`; the iteration ends after {@link Follow.stop}
 * (or when the connection closes). Breaking out of the loop stops the follow too.
 */
export interface Follow<T> extends AsyncIterable<T> {
  /** Tells the node to stop sending and ends the iteration. Idempotent; never rejects. */
  stop(): Promise<void>;
}

/** A connection to a Solo node acting for one tenant. Every method validates ids before sending anything. */
export interface SoloClient {
  /** The tenant this client acts for. */
  readonly tenant: string;
  /** Deploys (or redeploys) a service. @throws `invalid_request`, `compile_error`, `rejected_code`, `limit_exceeded` */
  deploy(req: DeployRequest): Promise<DeployReply>;
  /** Stops a service and removes it. @throws `not_found` when it is not deployed */
  kill(req: KillRequest): Promise<KillReply>;
  /** The status of one service. @throws `not_found` when it is not deployed */
  status(serviceId: string): Promise<ServiceStatus>;
  /** One page of the tenant's services. */
  list(req?: ListRequest): Promise<ListReply>;
  /**
   * Request/reply to a service on its service subject.
   * @default opts.timeoutMs 5000 (enforced by the node; the client waits 500 ms longer for its answer)
   * @throws `timeout` after `timeoutMs`, `not_found`, `service_crashed`, `unavailable`
   */
  call(serviceId: string, message: Json, opts?: CallOptions): Promise<CallReply>;
  /** Puts a message in a service's durable mailbox; resolves once the mailbox accepted it. */
  cast(serviceId: string, message: Json): Promise<CastReply>;
  /** One page of the tenant's event log. */
  events(req?: EventsRequest): Promise<EventsReply>;
  /** One page of the tenant's service logs. */
  logs(req?: LogsRequest): Promise<LogsReply>;
  /**
   * Tails the event log live, from `since_seq` when given. Errors of the node (e.g. `not_found`) surface from
   * the iteration. @throws `invalid_request` synchronously for a bad service id
   */
  followEvents(req?: FollowOptions): Follow<SoloEvent>;
  /** Tails the service logs live, like {@link SoloClient.followEvents}. */
  followLogs(req?: FollowOptions): Follow<LogEntry>;
  /** Whether the node is ready, and a count of services by state. */
  health(): Promise<HealthReply>;
  /**
   * Reads the tenant's supervision policy (no argument or `{}`), or changes the fields given (the others keep
   * their value). @throws `invalid_request` for a value out of range
   */
  supervision(req?: SupervisionRequest): Promise<SupervisionReply>;
  /** The tenant's live supervision tree: policy, and each service's child state, restarts and last crash. */
  tree(): Promise<TreeReply>;
  /**
   * Hot-swaps a running service's code, keeping its state (through the new version's `codeChange`) and every
   * queued message; a crash inside the rollback window (default 30 s) restores the old code and state.
   * @throws `not_found`, `compile_error`, `rejected_code`, `service_crashed` (codeChange crashed; nothing
   * changed), `unavailable` (not running), `invalid_request` (bad window)
   */
  swap(req: SwapRequest): Promise<SwapReply>;
  /** Restarts a service on new code with fresh state, as a new version. @throws as deploy, and `not_found` */
  replace(req: ReplaceRequest): Promise<ReplaceReply>;
  /**
   * Restarts a service on an earlier version (default: the one before the current) with fresh state.
   * @throws `not_found` (service or version), `invalid_request` (that version already runs)
   */
  rollback(req: RollbackRequest): Promise<RollbackReply>;
  /** The versions a service has run, newest first. @throws `not_found` */
  history(serviceId: string): Promise<HistoryReply>;
  /**
   * Publishes a deployed service under a logical name with a version, tags and an optional TTL (`ttl_ms`);
   * registering again renews it. @throws `not_found` when the service is not deployed, `invalid_request`
   */
  register(req: RegisterRequest): Promise<Registration>;
  /** Removes a service's registrations (one name when given). @returns how many were removed. @throws `not_found` */
  deregister(req: DeregisterRequest): Promise<number>;
  /** Registrations this tenant may see, by name and tag filter (`{ role: 'api' }`), with `alive` from the node. */
  discover(req?: DiscoverRequest): Promise<DiscoverReply>;
  /** Every registration this tenant may see, one page at a time. */
  services(req?: ServicesRequest): Promise<DiscoverReply>;
  /**
   * Checks a service module with the node's static analysis, without deploying it. `ok` is false when any
   * finding is an `error` (deploy would refuse the module with `rejected_code`).
   * @throws `invalid_request` (no source), `limit_exceeded` (source over 1 MiB)
   */
  validate(source: string, filename?: string): Promise<ValidateReply>;
  /**
   * Grants a new token, never wider than this client's own (permissions, services, expiry, rate). The token
   * text is in the reply only: the node keeps its info, never the text.
   * @default req.ttl_s 86400 (one day), req.persistent true, req.services the granter's
   * @throws `invalid_request` (unknown permission, bad pattern or ttl), `forbidden` (wider than the granter, or no `tokens:grant`)
   */
  grantToken(req: TokenGrantRequest): Promise<TokenGrantReply>;
  /**
   * Revokes a token of this tenant by id; every token narrowed from it stops working too.
   * @throws `invalid_request` (malformed id), `not_found`, `forbidden`
   */
  revokeToken(tokenId: string): Promise<TokenRevokeReply>;
  /** The tenant's tokens (ids, permissions, expiry; never their text). @throws `forbidden` without `tokens:grant` */
  listTokens(): Promise<TokenInfo[]>;
  /**
   * Stores a secret (encrypted on the node); a service reads it with `ctx.secret(name)`. Replaces an existing
   * value. The value is never echoed, logged or put in an error.
   * @throws `invalid_request` (bad name), `limit_exceeded` (value over 64 KiB, or too many secrets), `forbidden`
   */
  setSecret(name: string, value: string): Promise<SecretInfo>;
  /** The tenant's secrets: names, sizes and versions, never values. @throws `forbidden` without `secrets:read` */
  listSecrets(): Promise<SecretInfo[]>;
  /** Whether the tenant has a secret of that name. @throws `invalid_request`, `forbidden` */
  secretExists(name: string): Promise<boolean>;
  /** Deletes a secret; resolves false when there was none. @throws `invalid_request`, `forbidden` */
  deleteSecret(name: string): Promise<boolean>;
  /** Stops every open follow and closes the NATS connection. Idempotent. */
  close(): Promise<void>;
}
