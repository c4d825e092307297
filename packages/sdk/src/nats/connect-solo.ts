// The NATS implementation of SoloClient: control-plane verbs as requests, calls on the service subject.
import { randomUUID } from 'node:crypto';
import { connect, createInbox, headers } from 'nats';
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
} from '@solo/protocol';
import type { ApiVerbTypes } from '../api-types.ts';
import { checkTimeout, resolveClientOptions } from '../client-options.ts';
import type { ResolvedSoloClientOptions, SoloClientOptions } from '../client-options.ts';
import { unwrapReply, withCorrelationId } from '../reply-envelope.ts';
import { checkCodeRequest, checkDeployRequest, checkKillRequest, checkServiceFilter, checkServiceId } from '../request-checks.ts';
import type { Follow, FollowOptions, SoloClient } from '../solo-client.ts';
import { NatsFollow } from './nats-follow.ts';
import { injectTraceHeaders } from './trace-propagation.ts';
import { translateConnectError, translateRequestError } from './nats-error.ts';

/** Default deadline of {@link SoloClient.call}, as in the service contract. */
export const DEFAULT_CALL_TIMEOUT_MS = 5000;
/** How much longer than a call's deadline the client waits for the node's own answer. */
const CALL_REPLY_MARGIN_MS = 500;

/**
 * Connects to the NATS of a Solo node and returns a client acting for `opts.tenant`.
 * @throws `invalid_request` for bad options, `unavailable` when NATS cannot be reached, `unauthorized`
 */
export async function connectSolo(opts: SoloClientOptions): Promise<SoloClient> {
  const resolved = resolveClientOptions(opts);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: resolved.natsUrl, name: resolved.name, timeout: resolved.requestTimeoutMs });
  } catch (err) {
    throw translateConnectError(err, resolved.natsUrl);
  }
  return new NatsSoloClient(nc, resolved);
}

type FollowVerb = 'events_follow' | 'logs_follow';

/** A {@link SoloClient} over one NATS connection. */
class NatsSoloClient implements SoloClient {
  readonly #nc: NatsConnection;
  readonly #opts: ResolvedSoloClientOptions;
  readonly #follows = new Set<NatsFollow<unknown>>();

  constructor(nc: NatsConnection, opts: ResolvedSoloClientOptions) {
    this.#nc = nc;
    this.#opts = opts;
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

  async close(): Promise<void> {
    if (this.#nc.isClosed()) return;
    await Promise.all([...this.#follows].map((f) => f.stop()));
    await this.#nc.close();
  }

  #follow<T>(verb: FollowVerb, req: FollowOptions): Follow<T> {
    // Validation errors are thrown here, synchronously, so a bad request never opens an inbox.
    checkServiceFilter(req);
    const inbox = createInbox();
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

  async #request<R>(subject: Subject, body: unknown, o: { timeoutMs: number; what: string; extraHeaders?: Record<string, string> | undefined }): Promise<R> {
    const correlationId = randomUUID();
    const h = headers();
    for (const [k, v] of Object.entries(o.extraHeaders ?? {})) h.set(k, v);
    h.set(HEADERS.correlationId, correlationId);
    injectTraceHeaders(h);
    if (this.#opts.token !== undefined) h.set(HEADERS.token, this.#opts.token);
    let text: string;
    try {
      const msg = await this.#nc.request(subject, JSON.stringify(body), { timeout: o.timeoutMs, headers: h });
      text = msg.string();
    } catch (err) {
      const ctx = { natsUrl: this.#opts.natsUrl, tenant: this.#opts.tenant, what: o.what, timeoutMs: o.timeoutMs };
      throw withCorrelationId(translateRequestError(err, ctx), correlationId);
    }
    try {
      return unwrapReply<R>(text);
    } catch (err) {
      throw withCorrelationId(err, correlationId);
    }
  }
}
