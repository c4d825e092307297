// The kernel of one node: deploy, kill, status, list, call and cast routing, over a state that is a reducer of
// the event log. It reports facts to the supervisor tree and carries out the actions the tree decides.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ActorSandbox } from '@solo/actor-core';
import {
  SoloError,
  parseServiceId,
  type CastReply,
  type DeployReply,
  type EventsReply,
  type HealthReply,
  type Json,
  type KillReply,
  type ListReply,
  type LogsReply,
  type ServiceId,
  type ServiceStatus,
  type TenantId,
  type EventInput,
  type Capability,
} from '@solo/protocol';
import type { DeadLetters, EventLog, EventTail, LocalStore, LogStream, LogTail, MailboxStream } from '@solo/store';
import { createSupervisorTree, type SupervisorTree } from '@solo/supervisor';
import { createActorHost } from './actor-host.ts';
import { CodeChanges } from './hot-swap/code-changes.ts';
import { ExitSignals } from './links/exit-signals.ts';
import { stoppedError } from './supervision/child-sync.ts';
import { SupervisionVerbs } from './supervision/supervision-verbs.ts';
import { DurableSupport } from './durable/durable-support.ts';
import { ServiceRegistry, type RegistryBucketPort } from './discovery/service-registry.ts';
import type { DeployInput, EventsQuery, KernelLogger, KillInput, ListQuery, LogsQuery, RequestMeta } from './kernel-types.ts';
import { recoverKernelState, type RecoveryReport } from './recovery/recover.ts';
import { serviceKey, toServiceStatus, type ServiceEntry } from './service-entry.ts';
import type { KernelState } from './state/kernel-state.ts';
import type { NodeMetrics } from './metrics/node-metrics.ts';
import { sampleServices } from './metrics/service-sample.ts';
import { logLevelPasses, serviceLogLevel } from './service-log-level.ts';
import { observeActorCall } from './tracing/actor-tracing.ts';
import { traceRecovery } from './tracing/recovery-tracing.ts';
import { SPAN_ATTRIBUTES, SPAN_NAMES, serviceAttributes, withSpan } from './tracing/spans.ts';
import { traceContextHeaders } from './tracing/trace-context.ts';
import { EventJournal } from './event-journal.ts';
import { HeapSampler } from './heap-sampler.ts';
import { MailboxDispatch } from './mailbox-dispatch.ts';
import { ServiceLocks } from './service-locks.ts';
import { DEFAULT_KILL_TIMEOUT_MS, ServiceRuntime, failedError } from './service-runtime.ts';
import { ServiceDeployer } from './service-deploy.ts';
import { ServiceRestorer } from './service-restore.ts';
import { AdmissionControl } from './admission/admission-control.ts';
import type { AdmissionOptions } from './admission/admission-options.ts';
import { NodeSecurity } from './security/node-security.ts';
import { TenantDirectory } from './security/tenant-directory.ts';
import { TenantQuota, type TenantUsage } from './security/tenant-quota.ts';
import { SecretVerbs } from './security/secret-verbs.ts';
import type { SecretStore } from './security/secret-store.ts';
import { TenantAdmin, type TenantNatsUsers } from './security/tenant-admin.ts';
import { TokenAuthority } from './security/token-authority.ts';

/** Options of {@link Kernel.create}. */
export interface KernelOptions {
  nodeId: string;
  events: EventLog;
  mailbox: MailboxStream;
  logs: LogStream;
  deadLetters: DeadLetters;
  local: LocalStore;
  sandbox: ActorSandbox;
  /** Version string reported by health. */
  version: string;
  /** A checkpoint of the kernel state is written after this many events. @default 1000 */
  checkpointEvery?: number;
  /** How long a request that arrives during recovery waits for it before `unavailable`. @default 5000 */
  recoveryWaitMs?: number;
  /** Wall clock. @default Date.now */
  now?: () => number;
  /** Where the kernel writes its own diagnostics. @default silent */
  log?: KernelLogger;
  /** Where the kernel reports events, restarts, call latencies and its services for `/metrics`. @default none */
  metrics?: NodeMetrics;
  /** The discovery bucket (`RegistryBucket` of `@solo/store`); without it the discovery verbs are `unavailable`. @default none */
  registry?: RegistryBucketPort;
  /** Load shedding ceilings (in-flight work, event-loop lag, memory); see {@link AdmissionOptions}. @default its defaults */
  admission?: AdmissionOptions;
  /** HMAC-SHA256 key that signs capability tokens (see `loadTokenKey`). @default a random key for this kernel's life */
  tokenKey?: Buffer;
  /** The secrets vault; without it the secret verbs and `ctx.secret` are `unavailable`. @default none */
  secrets?: SecretStore;
  /** NATS users of tenants, when the node manages its NATS server's users. @default none */
  natsUsers?: TenantNatsUsers;
  /** The NATS URL written into new tenants' credentials. @default none */
  natsUrl?: string;
}

/** The composition of one node's services: owns every actor cell, the kernel state and the supervisor tree. */
export class Kernel {
  readonly #o: KernelOptions;
  readonly #now: () => number;
  readonly #log: KernelLogger;
  readonly #services = new Map<string, ServiceEntry>();
  readonly #locks = new ServiceLocks();
  readonly #journal: EventJournal;
  readonly #runtime: ServiceRuntime;
  readonly #dispatch: MailboxDispatch;
  readonly #heap: HeapSampler;
  readonly #admission: AdmissionControl;
  readonly #deployer: ServiceDeployer;
  readonly #restorer: ServiceRestorer;
  readonly #tree: SupervisorTree;
  readonly #signals: ExitSignals;
  readonly #code: CodeChanges;
  readonly #supervision: SupervisionVerbs;
  readonly #durable: DurableSupport;
  readonly #discovery: ServiceRegistry | null;
  readonly #security: NodeSecurity;
  readonly #quota: TenantQuota;
  readonly #secrets: SecretVerbs;
  readonly #tenantAdmin: TenantAdmin;
  readonly #startedAtMs: number;
  #state: HealthReply['status'] = 'starting';
  #ready: Promise<void>;
  #markReady: () => void = () => {};
  #lastRecovery: RecoveryReport | null = null;

  private constructor(o: KernelOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#log = o.log ?? { info: () => {}, warn: () => {}, error: () => {} };
    this.#startedAtMs = this.#now();
    this.#ready = new Promise<void>((r) => (this.#markReady = r));
    this.#journal = new EventJournal({
      events: o.events,
      local: o.local,
      now: this.#now,
      log: this.#log,
      metrics: o.metrics,
      checkpointEvery: o.checkpointEvery,
      ready: () => this.#state === 'ready',
    });
    this.#durable = new DurableSupport({ local: o.local, now: this.#now, log: this.#log });
    const append = (ev: Omit<EventInput, 'at'>, meta: RequestMeta): Promise<number> => this.#journal.append(ev, meta);
    this.#security = new NodeSecurity({
      tokens: new TokenAuthority({ key: o.tokenKey ?? randomBytes(32), state: () => this.#journal.state, append, now: this.#now }),
      tenants: new TenantDirectory({ state: () => this.#journal.state, append }),
      append,
      log: this.#log,
      now: this.#now,
    });
    this.#secrets = new SecretVerbs({
      store: () => o.secrets ?? null,
      security: this.#security,
      append,
      appendQuietly: (ev, meta) => this.#journal.appendQuietly(ev, meta),
      now: this.#now,
    });
    this.#tenantAdmin = new TenantAdmin({
      security: this.#security,
      secrets: this.#secrets,
      usage: (t) => this.#quota.usage(t),
      killAll: (t, meta) => this.#killAll(t, meta),
      natsUsers: () => o.natsUsers ?? null,
      natsUrl: () => o.natsUrl,
    });
    this.#quota = new TenantQuota({ state: () => this.#journal.state, limitsOf: (t) => this.#security.tenants.limitsOf(t) });
    this.#tree = createSupervisorTree({
      clock: { now: this.#now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      random: Math.random,
      onAction: (a) => this.#runtime.onSupervisorAction(a),
    });
    this.#signals = new ExitSignals({ lookup: (key) => this.#services.get(key), keyOf: serviceKey });
    this.#admission = new AdmissionControl({
      now: this.#now,
      append: (ev) => void this.#journal.appendQuietly(ev, {}),
      durableTimers: (e) => this.#durable.timerCount(e.tenant, e.service),
      options: o.admission,
    });
    this.#runtime = new ServiceRuntime({
      sandbox: o.sandbox,
      now: this.#now,
      log: this.#log,
      metrics: o.metrics,
      durable: this.#durable,
      tree: this.#tree,
      signals: this.#signals,
      services: this.#services,
      appendQuietly: (ev, meta) => this.#journal.appendQuietly(ev, meta),
      withLock: (key, fn) => this.#locks.run(key, fn),
      hostFor: (e) => createActorHost(this, e),
      stopping: () => this.#state === 'stopping',
      handleCrash: (e, error) => this.#code.handleCrash(e, error),
      admission: this.#admission,
    });
    this.#dispatch = new MailboxDispatch({
      nodeId: o.nodeId,
      mailbox: o.mailbox,
      deadLetters: o.deadLetters,
      durable: this.#durable,
      log: this.#log,
      lookup: (key) => this.#services.get(key),
      appendQuietly: (ev, meta) => this.#journal.appendQuietly(ev, meta),
      admission: this.#admission,
    });
    this.#heap = new HeapSampler({ entries: () => this.#services.values() });
    this.#deployer = new ServiceDeployer({
      sandbox: o.sandbox,
      local: o.local,
      durable: this.#durable,
      journal: this.#journal,
      runtime: this.#runtime,
      tree: this.#tree,
      signals: this.#signals,
      services: this.#services,
      hostFor: (e) => createActorHost(this, e),
      reserveQuota: (tenant, memoryMb) => this.#quota.reserve(tenant, memoryMb),
    });
    this.#restorer = new ServiceRestorer({
      local: o.local,
      durable: this.#durable,
      journal: this.#journal,
      runtime: this.#runtime,
      tree: this.#tree,
      services: this.#services,
    });
    this.#code = new CodeChanges(this.#codePort());
    this.#supervision = new SupervisionVerbs({
      accepting: () => this.#accepting(),
      state: () => this.#journal.state,
      tree: () => this.#tree,
      append: (ev, meta) => this.#journal.append(ev, meta),
      withLock: (key, fn) => this.#locks.run(key, fn),
    });
    o.metrics?.observeServices(() => sampleServices(this.#services.values()));
    this.#discovery = o.registry
      ? new ServiceRegistry({
          bucket: o.registry,
          now: this.#now,
          log: this.#log,
          withLock: (key, fn) => this.#locks.run(key, fn),
          lookup: (tenant, service) => {
            const e = this.#services.get(serviceKey(tenant as TenantId, service as ServiceId));
            if (!e) return null;
            const inc = e.actor.incarnation;
            return { alive: inc !== null && !inc.disposed, version: e.record.current.code_version ?? `v${e.record.current.version}` };
          },
        })
      : null;
  }

  /** Creates a kernel that answers `health` (and makes other requests wait) until {@link start} has recovered. */
  static create(o: KernelOptions): Kernel {
    return new Kernel(o);
  }

  /**
   * Recovers (newest valid checkpoint + replay of the log after it), reconciles and starts every service the
   * log says should run, then starts consuming this node's mailboxes and accepts requests.
   */
  async start(): Promise<RecoveryReport> {
    this.#state = 'recovering';
    const report = await traceRecovery({ metrics: this.#o.metrics, nodeId: this.#o.nodeId }, () =>
      recoverKernelState({
        events: this.#o.events,
        local: this.#o.local,
        now: this.#now,
        append: (ev) => this.#journal.appendQuietly(ev, {}),
        restore: (state) => this.#restorer.restore(state),
      }),
    );
    this.#lastRecovery = report;
    await this.#dispatch.start();
    // Heap sizes for list are refreshed in the background, a slice per tick, so no request pays for reading them all.
    this.#heap.start();
    this.#admission.start();
    await this.#discovery?.start();
    this.#state = 'ready';
    this.#markReady();
    return report;
  }

  get nodeId(): string {
    return this.#o.nodeId;
  }

  /** The figures of the last recovery (counts and duration). */
  get lastRecovery(): RecoveryReport | null {
    return this.#lastRecovery;
  }

  /** A canonical copy of the kernel state (what a replay of the log rebuilds). */
  stateSnapshot(): KernelState {
    return JSON.parse(JSON.stringify(this.#journal.state)) as KernelState;
  }

  /** Compiles, checks, stores and starts a new service. Nothing is left behind when any step fails. */
  async deploy(tenant: TenantId, input: DeployInput, meta: RequestMeta): Promise<DeployReply> {
    await this.#accepting();
    const key = serviceKey(tenant, input.service);
    const attributes = serviceAttributes(tenant, input.service);
    if (meta.correlationId) attributes[SPAN_ATTRIBUTES.correlationId] = meta.correlationId;
    return withSpan(SPAN_NAMES.deploy, { attributes }, () => this.#locks.run(key, () => this.#deployer.deploy(tenant, key, input, meta)));
  }

  /** Stops a service (terminate with a deadline unless forced), drops its mailbox and state, and forgets it. */
  async kill(tenant: TenantId, input: KillInput, meta: RequestMeta): Promise<KillReply> {
    await this.#accepting();
    const key = serviceKey(tenant, input.service);
    return this.#locks.run(key, async () => {
      const entry = this.#entry(tenant, input.service);
      // Forget first: from here on calls and casts get not_found instead of racing the shutdown.
      this.#services.delete(entry.key);
      this.#runtime.discardPrepared(entry.key);
      this.#tree.removeChild(tenant, input.service);
      this.#code.cancel(entry.key);
      entry.status = 'stopping';
      const mode = await entry.actor.stop({ force: input.force, timeoutMs: input.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS, reason: 'normal' });
      entry.status = 'stopped';
      this.#signals.departed(entry, { kind: 'shutdown' });
      const purged = await this.#o.mailbox.purge(tenant, input.service);
      await this.#journal.append({ type: 'service_killed', tenant, service_id: input.service, data: { mode, purged_casts: purged } }, meta);
      await this.#durable.forget(tenant, input.service);
      await this.#discovery?.forgetService(tenant, input.service);
      this.#o.metrics?.forgetService(tenant, input.service);
      return { service_id: input.service, killed_at: new Date(this.#now()).toISOString(), mode };
    });
  }

  /** The status of one service, with its usage of its limits and its circuit breaker. @throws `not_found` */
  status(tenant: TenantId, service: ServiceId): ServiceStatus {
    const entry = this.#entry(tenant, service);
    return toServiceStatus(entry, this.#now(), this.#tree.childState(tenant, service)?.state ?? null, {
      admission: (heap) => this.#admission.statusOf(entry, heap),
    });
  }

  /** One page of a tenant's services ordered by id, optionally filtered by status. */
  list(tenant: TenantId, q: ListQuery): ListReply {
    const now = this.#now();
    const all: ServiceEntry[] = [];
    for (const e of this.#services.values()) {
      if (e.tenant === tenant && (q.status === undefined || e.status === q.status)) all.push(e);
    }
    all.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
    const page = all
      .slice(q.offset, q.offset + q.limit)
      .map((e) => toServiceStatus(e, now, this.#tree.childState(e.tenant, e.service)?.state ?? null, { freshHeap: false }));
    const next = q.offset + page.length;
    return { services: page, total: all.length, next_offset: next < all.length ? next : null };
  }

  /**
   * Request/reply to a service; the local path used by every door and by `ctx.call`. Admission control runs
   * first (message size, mailbox length, circuit breaker, load shedding — which `nested` calls made by a running
   * handler through `ctx.call` skip) and the reply is checked for size.
   * @throws `limit_exceeded`, `overloaded`, `unavailable` (failed, stopped, circuit open), `timeout`, `service_crashed`
   */
  async call(tenant: TenantId, service: ServiceId, message: Json, opts: { timeoutMs: number; nested?: boolean }): Promise<Json> {
    return withSpan(SPAN_NAMES.kernelCall, { attributes: serviceAttributes(tenant, service) }, async () => {
      if (this.#state !== 'ready') await this.#accepting();
      const entry = this.#entry(tenant, service);
      if (entry.status === 'failed') throw failedError(entry);
      if (entry.status === 'stopped') throw stoppedError(entry, this.#tree.childState(tenant, service));
      const probe = this.#admission.enter(entry, message, 'call', opts.nested === true);
      let handled = false;
      try {
        const reply = await observeActorCall(this.#o.metrics, tenant, service, () => entry.actor.call(message, { timeoutMs: opts.timeoutMs }));
        handled = true;
        if (entry.record.durable) await this.#durable.snapshot(entry);
        // After the snapshot: the handler ran and its state is kept even when its reply is too big to send.
        this.#admission.checkReply(entry, reply);
        return reply;
      } finally {
        this.#admission.leave(entry, 'call', probe, handled);
      }
    });
  }

  /**
   * Appends a message to a service's durable mailbox; the handler runs later, in order. Admission control runs
   * first, as for {@link call}.
   * @throws `limit_exceeded`, `overloaded`, `unavailable` (failed, stopped, circuit open)
   */
  async cast(tenant: TenantId, service: ServiceId, message: Json, meta: RequestMeta): Promise<CastReply> {
    return withSpan(SPAN_NAMES.kernelCast, { kind: 'producer', attributes: serviceAttributes(tenant, service) }, async () => {
      if (this.#state !== 'ready') await this.#accepting();
      const entry = this.#entry(tenant, service);
      if (entry.status === 'failed') throw failedError(entry);
      if (entry.status === 'stopped') throw stoppedError(entry, this.#tree.childState(tenant, service));
      const probe = this.#admission.enter(entry, message, 'cast');
      let published = false;
      try {
        // The trace headers let the actor's handling of this cast, later and maybe elsewhere, join this trace.
        const opts: { correlationId?: string; traceHeaders: Record<string, string> } = { traceHeaders: traceContextHeaders() };
        if (meta.correlationId) opts.correlationId = meta.correlationId;
        const seq = await this.#o.mailbox.publish(tenant, service, message, opts);
        published = true;
        return { seq };
      } finally {
        this.#admission.leave(entry, 'cast', probe, published);
      }
    });
  }

  /** A page of the tenant's events: at most `limit`, and at most 512 KiB of them (`truncated` says it stopped there). */
  async events(tenant: TenantId, q: EventsQuery): Promise<EventsReply> {
    const { events, truncated } = await this.#o.events.readPage({ tenant, ...q });
    const last = events.at(-1);
    return { events, next_seq: last ? last.seq + 1 : null, truncated };
  }

  /** A page of the tenant's service logs. */
  async logs(tenant: TenantId, q: LogsQuery): Promise<LogsReply> {
    const { entries, truncated } = await this.#o.logs.readPage({ tenant, ...q });
    const last = entries.at(-1);
    return { entries, next_seq: last ? last.seq + 1 : null, truncated };
  }

  /** A live tail of the tenant's events (from `sinceSeq`, else only new ones). */
  tailEvents(tenant: TenantId, q: { service?: string; type?: string; sinceSeq?: number }): EventTail {
    const filter: { tenant: string; service?: string; type?: string } = { tenant };
    if (q.service) filter.service = q.service;
    if (q.type) filter.type = q.type;
    return this.#o.events.tail(filter, q.sinceSeq ? { sinceSeq: q.sinceSeq } : {});
  }

  /** A live tail of the tenant's service logs. */
  tailLogs(tenant: TenantId, q: { service?: string; sinceSeq?: number }): LogTail {
    const filter: { tenant: string; service?: string } = { tenant };
    if (q.service) filter.service = q.service;
    return this.#o.logs.tail(filter, q.sinceSeq ? { sinceSeq: q.sinceSeq } : {});
  }

  /** Node readiness and service counts. */
  health(): HealthReply {
    let running = 0;
    let failed = 0;
    let restarting = 0;
    for (const e of this.#services.values()) {
      if (e.status === 'running') running++;
      else if (e.status === 'failed') failed++;
      else if (e.status === 'restarting' || e.status === 'crashed' || e.status === 'starting') restarting++;
    }
    return {
      status: this.#state,
      node_id: this.#o.nodeId,
      version: this.#o.version,
      uptime_ms: this.#now() - this.#startedAtMs,
      services: { running, failed, restarting, total: this.#services.size },
      recovery: this.#lastRecovery,
    };
  }

  /** Links and monitors between this node's actors (`ctx.link`, `ctx.monitor`). */
  get exitSignals(): ExitSignals {
    return this.#signals;
  }

  /** The code-change verbs: swap (hot, with a rollback window), replace, rollback, history. */
  get codeChanges(): CodeChanges {
    return this.#code;
  }

  /** The tenant supervision verbs: `supervision` (policy) and `tree`. */
  get supervision(): SupervisionVerbs {
    return this.#supervision;
  }

  /** Service discovery (register, deregister, discover). @throws `unavailable` when the node has no registry bucket */
  /** The secret verbs (agents) and `ctx.secret` (services). */
  get secrets(): SecretVerbs {
    return this.#secrets;
  }

  /** The operator's tenant verbs. */
  get tenantAdmin(): TenantAdmin {
    return this.#tenantAdmin;
  }

  /** `ctx.secret(name)` of a service. */
  secretFromService(entry: ServiceEntry, cap: Capability | null, name: string): Promise<string> {
    return this.#secrets.fromService(entry.tenant, entry.service, cap, name);
  }

  async #killAll(tenant: TenantId, meta: RequestMeta): Promise<number> {
    const ids = [...this.#services.values()].filter((e) => e.tenant === tenant).map((e) => e.service);
    let n = 0;
    for (const service of ids) {
      try {
        await this.kill(tenant, { service, force: false, timeoutMs: undefined }, meta);
        n++;
      } catch (err) {
        if (!(err instanceof SoloError && err.code === 'not_found')) throw err;
      }
    }
    return n;
  }

  /** Appends a `security_alert` (repeated denials from one token or tenant), without waiting. */
  recordSecurityAlert(alert: Record<string, unknown>): void {
    const tenant = typeof alert['tenant'] === 'string' ? alert['tenant'] : null;
    void this.#journal.appendQuietly({ type: 'security_alert', tenant, service_id: null, data: alert }, {});
  }

  /** What `tenant`'s services hold against its limits. */
  tenantUsage(tenant: TenantId): TenantUsage {
    return this.#quota.usage(tenant);
  }

  /** Tokens, tenants, authorization and rate limits: the check every door and `ctx` make. */
  get security(): NodeSecurity {
    return this.#security;
  }

  get discovery(): ServiceRegistry {
    if (!this.#discovery) throw new SoloError('unavailable', 'Service discovery is not enabled on this node: it was started without the registry bucket.');
    return this.#discovery;
  }

  /** The lock key of a service, for verbs that must not race its deploy or kill. */
  lockKeyOf(tenant: TenantId, service: ServiceId): string {
    return serviceKey(tenant, service);
  }

  /** The live supervision tree, for `solo tree`. */
  tree(): ReturnType<SupervisorTree['snapshot']> {
    return this.#tree.snapshot();
  }

  /**
   * Appends an event on behalf of a service (`ctx.emit`), synchronously refused inside its handler when over a limit.
   * @throws `invalid_request` for a type that is not 1 to 128 characters; `limit_exceeded` over
   * `limits.max_event_bytes` or `limits.max_events_per_second` (then nothing is written).
   */
  emitFromService(entry: ServiceEntry, type: string, payload: Json | undefined): void {
    this.#admission.checkEmit(entry, type, payload);
    void this.#journal.appendQuietly({ type: 'service_emitted', tenant: entry.tenant, service_id: entry.service, data: { type, payload: payload ?? null } }, {});
  }

  /**
   * Writes one log line on behalf of a service (`ctx.log`). Never throws: a line beyond
   * `limits.max_log_lines_per_second` is dropped (and counted), a line over 16 KiB is cut.
   */
  logFromService(entry: ServiceEntry, level: 'debug' | 'info' | 'warn' | 'error', message: string, data: Json | undefined): void {
    if (!logLevelPasses(entry.logLevel ?? serviceLogLevel(entry.record), level)) return;
    const admitted = this.#admission.admitLog(entry, message, data);
    if (admitted === null) return;
    const line: Parameters<LogStream['append']>[0] = { at: new Date(this.#now()).toISOString(), tenant: entry.tenant, service_id: entry.service, level, message: admitted.message };
    if (admitted.data !== undefined) line.data = admitted.data;
    this.#o.logs.append(line);
  }

  /** `ctx.setTimer` of a service: volatile timers live in the actor cell, durable ones in the kernel. */
  setTimerFromService(entry: ServiceEntry, ms: number, message: Json, opts: { durable: boolean }): string {
    this.#admission.checkTimer(entry);
    if (!opts.durable) return entry.actor.setTimer(ms, message);
    return this.#durable.setTimer(entry, ms, message, () => this.#services.get(entry.key) === entry);
  }

  /** `ctx.cancelTimer` of a service. */
  cancelTimerFromService(entry: ServiceEntry, id: string): boolean {
    return this.#durable.isDurableTimer(id) ? this.#durable.cancelTimer(entry, id) : entry.actor.cancelTimer(id);
  }

  /** Resolves a target id given by a service's code. @throws `invalid_request` */
  parseTarget(target: unknown): ServiceId {
    return parseServiceId(target);
  }

  /**
   * Graceful stop: refuse new work, stop the mailbox consumer (unacked casts stay in the stream), run every
   * actor's terminate within `timeoutMs`, write a checkpoint, flush logs.
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#state === 'stopping') return;
    const wasReady = this.#state === 'ready';
    this.#state = 'stopping';
    await this.#dispatch.stop();
    this.#heap.stop();
    this.#admission.stop();
    this.#tree.stop();
    this.#code.stop();
    this.#durable.stop();
    this.#discovery?.stop();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS;
    await Promise.all(
      [...this.#services.values()].map(async (e) => {
        try {
          if (e.record.durable) await this.#durable.snapshot(e);
          await e.actor.stop({ timeoutMs, reason: 'shutdown' });
        } catch (err) {
          this.#log.warn('actor did not stop cleanly', { tenant: e.tenant, service: e.service, error: String(err) });
        }
      }),
    );
    this.#runtime.discardAllPrepared();
    this.#services.clear();
    this.#o.sandbox.close?.();
    await this.#journal.checkpointSettled();
    if (wasReady) await this.#journal.checkpoint();
    await this.#o.logs.flush();
  }

  /**
   * Resolves when the kernel takes requests; during recovery waits for it (bounded by `recoveryWaitMs`).
   * Doors call it before every verb but health, so no reader sees half-recovered state.
   * @throws `unavailable` with `details.retry_after_ms` when recovery outlasts the wait, or while stopping.
   */
  whenAccepting(): Promise<void> {
    return this.#accepting();
  }

  // internals ----------------------------------------------------------------------------------------------

  async #accepting(): Promise<void> {
    if (this.#state === 'ready') return;
    if (this.#state === 'recovering' || this.#state === 'starting') {
      // Requests that arrive during recovery wait for it, bounded; they never see half-recovered state.
      const waitMs = this.#o.recoveryWaitMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        this.#ready.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), waitMs))),
      ]);
      clearTimeout(timer);
      if (!gaveUp && (this.#state as HealthReply['status']) === 'ready') return;
      throw new SoloError('unavailable', `The node is recovering its services; retry in a moment.`, { details: { retry_after_ms: 1000 } });
    }
    throw new SoloError('unavailable', `The node is ${this.#state}; retry in a moment.`, { details: { retry_after_ms: 1000 } });
  }


  #entry(tenant: TenantId, service: ServiceId): ServiceEntry {
    const e = this.#services.get(serviceKey(tenant, service));
    if (!e) {
      throw new SoloError('not_found', `Service '${service}' is not deployed for tenant '${tenant}'. Run \`solo ls --tenant ${tenant}\` to see what is deployed.`, {
        details: { service_id: service },
      });
    }
    return e;
  }

  #codePort(): ConstructorParameters<typeof CodeChanges>[0] {
    return {
      sandbox: this.#o.sandbox,
      local: this.#o.local,
      durable: this.#durable,
      log: this.#log,
      now: () => this.#now(),
      append: (ev, meta) => this.#journal.append(ev, meta),
      hostFor: (e) => createActorHost(this, e),
      isCurrent: (e) => this.#services.get(e.key) === e,
      withLock: (key, fn) => this.#locks.run(key, fn),
      restartOn: (e, next) => this.#runtime.restartOn(e, next),
      reportCrash: (e, reason) => this.#runtime.reportExit(e, reason),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
      accepting: () => this.#accepting(),
      entry: (t, s) => this.#entry(t, s),
      keyOf: serviceKey,
    };
  }

}

/** A fresh correlation id for work that no request started. */
export function newCorrelationId(): string {
  return randomUUID();
}
