// The NATS implementation of SoloClient: control-plane verbs as requests, calls on the service subject.
import { createInbox } from 'nats';
import type { NatsConnection } from 'nats';
import { HEADERS, serviceSubject, tenantApiSubject } from '@solo/protocol';
import type {
  CallOptions,
  CallReply,
  CastReply,
  DeployReply,
  DeployRequest,
  EventsReply,
  EventsRequest,
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
  Subject,
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
  AnalysisFinding,
} from '@solo/protocol';
import type { ApiVerbTypes } from '../api-types.ts';
import { resolveClientOptions } from '../client-options.ts';
import type { ResolvedSoloClientOptions, SoloClientOptions } from '../client-options.ts';
import { checkTimeout } from '../connection-options.ts';
import { unwrapValidateReply } from '../reply-envelope.ts';
import { readCredentialsFile } from '../fs/credentials-file.ts';
import { checkCodeRequest, checkDeployRequest, checkKillRequest, checkServiceFilter, checkServiceId, checkValidateRequest } from '../request-checks.ts';
import { checkSecretName, checkSecretValue, checkTokenGrant, checkTokenId } from '../security-checks.ts';
import type { Follow, FollowOptions, SoloClient } from '../solo-client.ts';
import { NatsFollow } from './nats-follow.ts';
import { openNatsConnection } from './nats-connection.ts';
import { NatsRequester } from './nats-requester.ts';
import type { RequestOptions } from './nats-requester.ts';

/** Default deadline of {@link SoloClient.call}, as in the service contract. */
export const DEFAULT_CALL_TIMEOUT_MS = 5000;
/** How much longer than a call's deadline the client waits for the node's own answer. */
const CALL_REPLY_MARGIN_MS = 500;

/**
 * Connects to the NATS of a Solo node and returns a client acting for `opts.tenant` (or the tenant of
 * `opts.credentials`), logged in as the credentials' NATS user when they have one.
 * @throws `invalid_request` for bad options or credentials (the field in details), `unavailable` when NATS
 * cannot be reached, `unauthorized` when NATS refuses the credentials
 */
export async function connectSolo(opts: SoloClientOptions): Promise<SoloClient> {
  const resolved = resolveClientOptions(opts, readCredentialsFile);
  return new NatsSoloClient(await openNatsConnection(resolved), resolved);
}

type FollowVerb = 'events_follow' | 'logs_follow';

/** A {@link SoloClient} over one NATS connection. */
class NatsSoloClient implements SoloClient {
  readonly #nc: NatsConnection;
  readonly #opts: ResolvedSoloClientOptions;
  readonly #requester: NatsRequester;
  readonly #follows = new Set<NatsFollow<unknown>>();

  constructor(nc: NatsConnection, opts: ResolvedSoloClientOptions) {
    this.#nc = nc;
    this.#opts = opts;
    this.#requester = new NatsRequester(nc, { natsUrl: opts.natsUrl, tenant: opts.tenant, token: opts.token });
  }

  get tenant(): string {
    return this.#opts.tenant;
  }

  async deploy(req: DeployRequest): Promise<DeployReply> {
    return this.#api('deploy', checkDeployRequest(req));
  }

  async kill(req: KillRequest): Promise<KillReply> {
    return this.#api('kill', checkKillRequest(req));
  }

  async status(serviceId: string): Promise<ServiceStatus> {
    return this.#api('status', { service_id: checkServiceId(serviceId) });
  }

  async list(req: ListRequest = {}): Promise<ListReply> {
    return this.#api('list', req);
  }

  async call(serviceId: string, message: Json, opts: CallOptions = {}): Promise<CallReply> {
    const service = checkServiceId(serviceId);
    const what = `Call to service '${service}'`;
    // The node enforces the call's deadline (header Solo-Timeout-Ms) and answers `timeout` itself; waiting a
    // little longer here lets that precise answer arrive instead of a bare NATS timeout.
    const timeoutMs = opts.timeoutMs === undefined ? DEFAULT_CALL_TIMEOUT_MS : checkTimeout(opts.timeoutMs, 'timeoutMs');
    return this.#request<CallReply>(serviceSubject(this.#opts.tenant, service), message, {
      timeoutMs: timeoutMs + CALL_REPLY_MARGIN_MS,
      what,
      extraHeaders: opts.timeoutMs === undefined ? undefined : { [HEADERS.timeoutMs]: String(timeoutMs) },
    });
  }

  async cast(serviceId: string, message: Json): Promise<CastReply> {
    return this.#api('cast', { service_id: checkServiceId(serviceId), message });
  }

  async events(req: EventsRequest = {}): Promise<EventsReply> {
    return this.#api('events', checkServiceFilter(req));
  }

  async logs(req: LogsRequest = {}): Promise<LogsReply> {
    return this.#api('logs', checkServiceFilter(req));
  }

  followEvents(req: FollowOptions = {}): Follow<SoloEvent> {
    return this.#follow<SoloEvent>('events_follow', req);
  }

  followLogs(req: FollowOptions = {}): Follow<LogEntry> {
    return this.#follow<LogEntry>('logs_follow', req);
  }

  async health(): Promise<HealthReply> {
    return this.#api('health', {});
  }

  async supervision(req: SupervisionRequest = {}): Promise<SupervisionReply> {
    return this.#api('supervision', req);
  }

  async tree(): Promise<TreeReply> {
    return this.#api('tree', {});
  }

  async swap(req: SwapRequest): Promise<SwapReply> {
    return this.#api('swap', checkCodeRequest(req));
  }

  async replace(req: ReplaceRequest): Promise<ReplaceReply> {
    return this.#api('replace', checkCodeRequest(req));
  }

  async rollback(req: RollbackRequest): Promise<RollbackReply> {
    return this.#api('rollback', { ...req, service_id: checkServiceId(req.service_id) });
  }

  async history(serviceId: string): Promise<HistoryReply> {
    return this.#api('history', { service_id: checkServiceId(serviceId) });
  }

  async register(req: RegisterRequest): Promise<Registration> {
    checkServiceId(req.service_id);
    return (await this.#api('register', req)).registration;
  }

  async deregister(req: DeregisterRequest): Promise<number> {
    checkServiceId(req.service_id);
    return (await this.#api('deregister', req)).removed;
  }

  async discover(req: DiscoverRequest = {}): Promise<DiscoverReply> {
    return this.#api('discover', req);
  }

  async services(req: ServicesRequest = {}): Promise<DiscoverReply> {
    return this.#api('services', req);
  }

  async validate(source: string, filename?: string): Promise<ValidateReply> {
    const reply = await this.#request<{ findings: AnalysisFinding[] }>(tenantApiSubject(this.#opts.tenant, 'validate'), checkValidateRequest(source, filename), {
      timeoutMs: this.#opts.requestTimeoutMs,
      what: "Request 'validate'",
      decode: unwrapValidateReply,
    });
    // The verdict is whether any finding is an error (what deploy refuses).
    return { valid: !reply.findings.some((f) => f.severity === 'error'), findings: reply.findings };
  }

  async grantToken(req: TokenGrantRequest): Promise<TokenGrantReply> {
    return this.#api('token_grant', checkTokenGrant(req));
  }

  async revokeToken(tokenId: string): Promise<TokenRevokeReply> {
    return this.#api('token_revoke', { token_id: checkTokenId(tokenId) });
  }

  async listTokens(): Promise<TokenInfo[]> {
    return (await this.#api('token_list', {})).tokens;
  }

  async setSecret(name: string, value: string): Promise<SecretInfo> {
    return (await this.#api('secret_set', { name: checkSecretName(name), value: checkSecretValue(value) })).secret;
  }

  async listSecrets(): Promise<SecretInfo[]> {
    return (await this.#api('secret_list', {})).secrets;
  }

  async secretExists(name: string): Promise<boolean> {
    return (await this.#api('secret_exists', { name: checkSecretName(name) })).exists;
  }

  async deleteSecret(name: string): Promise<boolean> {
    return (await this.#api('secret_delete', { name: checkSecretName(name) })).deleted;
  }

  async close(): Promise<void> {
    if (this.#nc.isClosed()) return;
    await Promise.all([...this.#follows].map((f) => f.stop()));
    await this.#nc.close();
  }

  #follow<T>(verb: FollowVerb, req: FollowOptions): Follow<T> {
    // Validation errors are thrown here, synchronously, so a bad request never opens an inbox.
    checkServiceFilter(req);
    // Under the user's inbox prefix: a tenant's NATS user may subscribe nowhere else.
    const inbox = createInbox(this.#opts.inboxPrefix);
    // Subscribing before the follow request is sent means no item can arrive before we listen: both go out
    // on the same connection, in order.
    const sub = this.#nc.subscribe(inbox);
    const started = this.#api(verb, { ...req, inbox }).then((r) => r.follow_id);
    const follow: NatsFollow<T> = new NatsFollow<T>(
      sub,
      {
        started,
        stopRemote: async (followId) => {
          await this.#api('follow_stop', { follow_id: followId });
        },
        onStopped: () => this.#follows.delete(follow as NatsFollow<unknown>),
      },
      { natsUrl: this.#opts.natsUrl },
    );
    this.#follows.add(follow as NatsFollow<unknown>);
    return follow;
  }

  #api<V extends keyof ApiVerbTypes>(verb: V, body: ApiVerbTypes[V]['request']): Promise<ApiVerbTypes[V]['reply']> {
    return this.#request(tenantApiSubject(this.#opts.tenant, verb), body, {
      timeoutMs: this.#opts.requestTimeoutMs,
      what: `Request '${verb}'`,
    });
  }

  #request<R>(subject: Subject, body: unknown, o: RequestOptions): Promise<R> {
    return this.#requester.request<R>(subject, body, o);
  }
}
