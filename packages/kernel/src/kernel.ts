// The kernel of one node: deploy, kill, status, list, call and cast routing, over a state that is a reducer of
// the event log. It reports facts to the supervisor tree and carries out the actions the tree decides.
import { randomUUID } from 'node:crypto';
import { Actor, compileService, startIncarnation, type ActorSandbox, type SandboxedActor } from '@solo/actor-core';
import {
  SoloError,
  isSoloError,
  parseServiceId,
  toWireError,
  type CastReply,
  type DeployReply,
  type EventInput,
  type EventsReply,
  type ExitReason,
  type HealthReply,
  type Json,
  type KillReply,
  type ListReply,
  type LogsReply,
  type ServiceId,
  type ServiceStatus,
  type TenantId,
} from '@solo/protocol';
import type { DeadLetters, EventLog, EventTail, LocalStore, LogStream, LogTail, MailboxConsumer, MailboxDelivery, MailboxStream } from '@solo/store';
import { createSupervisorTree, type SupervisorAction, type SupervisorTree } from '@solo/supervisor';
import { createActorHost } from './actor-host.ts';
import { CodeChanges } from './hot-swap/code-changes.ts';
import { ExitSignals } from './links/exit-signals.ts';
import { syncWithChild, stoppedError } from './supervision/child-sync.ts';
import { checkServiceSupervision, childSpecOf, maxCastAttemptsOf, policyInput } from './supervision/supervision-options.ts';
import { SupervisionVerbs } from './supervision/supervision-verbs.ts';
import { tenantsWithSupervision } from './state/tenant-supervision.ts';
import { DurableSupport } from './durable/durable-support.ts';
import { ServiceRegistry, type RegistryBucketPort } from './discovery/service-registry.ts';
import type { DeployInput, EventsQuery, KernelLogger, KillInput, ListQuery, LogsQuery, RequestMeta } from './kernel-types.ts';
import { recoverKernelState, type RecoveryReport } from './recovery/recover.ts';
import { writeCheckpoint } from './recovery/checkpoints.ts';
import { resolveServiceLimits } from './resolve-limits.ts';
import { serviceKey, toServiceStatus, type ServiceEntry } from './service-entry.ts';
import { StartLimiter } from './start-limiter.ts';
import { applyEvent, createKernelState, recordKey, type KernelState, type ServiceRecord } from './state/kernel-state.ts';
import type { NodeMetrics } from './metrics/node-metrics.ts';
import { sampleServices } from './metrics/service-sample.ts';
import { DEFAULT_SERVICE_LOG_LEVEL, LOG_LEVEL_OPTION, logLevelPasses, serviceLogLevel } from './service-log-level.ts';
import { observeActorCall, observeActorCast } from './tracing/actor-tracing.ts';
import { traceRecovery } from './tracing/recovery-tracing.ts';
import { SPAN_ATTRIBUTES, SPAN_NAMES, serviceAttributes, withSpan } from './tracing/spans.ts';
import { traceContextHeaders } from './tracing/trace-context.ts';

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
}

const DEFAULT_KILL_TIMEOUT_MS = 5000;
/** Every this often the kernel reads the heap size of a slice of its isolates (HEAP_SAMPLE_SLICE of them). */
const HEAP_SAMPLE_INTERVAL_MS = 1000;
const HEAP_SAMPLE_SLICE = 100;
/** JetStream redelivers a cast not acked within this; queued casts are kept alive with in-progress acks. */
const MAILBOX_ACK_WAIT_MS = 30_000;

/** The composition of one node's services: owns every actor cell, the kernel state and the supervisor tree. */
export class Kernel {
  readonly #o: KernelOptions;
  readonly #now: () => number;
  readonly #log: KernelLogger;
  readonly #services = new Map<string, ServiceEntry>();
  /** Per-service chain of mutating operations (deploy, kill, …): one at a time per service id. */
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Incarnations spawned by deploy before its commit point, attached when the tree says `start`. */
  readonly #prepared = new Map<string, SandboxedActor>();
  /** Starts in flight, so recovery can wait for them. */
  readonly #starting = new Set<Promise<void>>();
  readonly #tree: SupervisorTree;
  readonly #signals: ExitSignals;
  readonly #code: CodeChanges;
  readonly #supervision: SupervisionVerbs;
  readonly #durable: DurableSupport;
  readonly #discovery: ServiceRegistry | null;
  /** At most this many incarnations start at once (recovery, restarts). */
  readonly #limiter = new StartLimiter(16);
  readonly #startedAtMs: number;
  #kstate: KernelState = createKernelState();
  #consumer: MailboxConsumer | null = null;
  #state: HealthReply['status'] = 'starting';
  #ready: Promise<void>;
  #markReady: () => void = () => {};
  #appendsInFlight = 0;
  #eventsSinceCheckpoint = 0;
  #checkpointing: Promise<void> | null = null;
  #lastRecovery: RecoveryReport | null = null;
  /** Casts delivered to this node and not yet acked, by stream sequence. */
  readonly #inflight = new Map<number, MailboxDelivery>();
  #workingTimer: NodeJS.Timeout | null = null;
  #heapTimer: NodeJS.Timeout | null = null;
  #heapCursor = 0;

  private constructor(o: KernelOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#log = o.log ?? { info: () => {}, warn: () => {}, error: () => {} };
    this.#startedAtMs = this.#now();
    this.#ready = new Promise<void>((r) => (this.#markReady = r));
    this.#durable = new DurableSupport({ local: o.local, now: this.#now, log: this.#log });
    this.#tree = createSupervisorTree({
      clock: { now: this.#now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      random: Math.random,
      onAction: (a) => this.#onSupervisorAction(a),
    });
    this.#signals = new ExitSignals({ lookup: (key) => this.#services.get(key), keyOf: serviceKey });
    this.#code = new CodeChanges(this.#codePort());
    this.#supervision = new SupervisionVerbs({
      accepting: () => this.#accepting(),
      state: () => this.#kstate,
      tree: () => this.#tree,
      append: (ev, meta) => this.#append(ev, meta),
      withLock: (key, fn) => this.#withLock(key, fn),
    });
    o.metrics?.observeServices(() => sampleServices(this.#services.values()));
    this.#discovery = o.registry
      ? new ServiceRegistry({
          bucket: o.registry,
          now: this.#now,
          log: this.#log,
          withLock: (key, fn) => this.#withLock(key, fn),
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
        append: (ev) => this.#appendQuietly(ev, {}),
        restore: (state) => this.#restore(state),
      }),
    );
    this.#lastRecovery = report;
    this.#consumer = await this.#o.mailbox.consume(this.#o.nodeId, (d) => this.#onMailboxDelivery(d), {
      // A new session: whatever an earlier session of this node held unacked is redelivered now, not after ack wait.
      fresh: true,
      ackWaitMs: MAILBOX_ACK_WAIT_MS,
      onBadMessage: (seq: number, subject: string) => this.#log.warn('dropped a mailbox message that is not JSON', { seq, subject }),
      onError: (err) => this.#log.error('mailbox consumer error', { error: err.message }),
    });
    // A cast may wait in its actor's queue longer than the ack wait: tell JetStream it is in progress, so it is
    // not redelivered (and queued twice) while it waits.
    this.#workingTimer = setInterval(() => {
      for (const d of this.#inflight.values()) d.working();
    }, MAILBOX_ACK_WAIT_MS / 3);
    this.#workingTimer.unref();
    // Heap sizes for list are refreshed here, a slice per tick, so no request pays for reading them all.
    this.#heapTimer = setInterval(() => this.#sampleHeaps(), HEAP_SAMPLE_INTERVAL_MS);
    this.#heapTimer.unref();
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
    return JSON.parse(JSON.stringify(this.#kstate)) as KernelState;
  }

  /** Compiles, checks, stores and starts a new service. Nothing is left behind when any step fails. */
  async deploy(tenant: TenantId, input: DeployInput, meta: RequestMeta): Promise<DeployReply> {
    await this.#accepting();
    const key = serviceKey(tenant, input.service);
    const attributes = serviceAttributes(tenant, input.service);
    if (meta.correlationId) attributes[SPAN_ATTRIBUTES.correlationId] = meta.correlationId;
    return withSpan(SPAN_NAMES.deploy, { attributes }, () => this.#withLock(key, () => this.#deploy(tenant, key, input, meta)));
  }

  async #deploy(tenant: TenantId, key: string, input: DeployInput, meta: RequestMeta): Promise<DeployReply> {
    const t0 = performance.now();
    if (this.#services.has(key)) {
      throw new SoloError(
        'already_exists',
        `Service '${input.service}' is already deployed for tenant '${tenant}'. Kill it first (\`solo kill ${input.service}\`) or deploy under another \`--service-id\`.`,
        { details: { service_id: input.service } },
      );
    }
    let incarnation: SandboxedActor | null = null;
    try {
      const limits = resolveServiceLimits(input.limits);
      const supervision = checkServiceSupervision(input.restart, input.supervision);
      const compiled = await withSpan(SPAN_NAMES.deployCompile, {}, () => compileService(input.source, { filename: input.filename }));
      const actor = this.#newActor(key, tenant, input.service, maxCastAttemptsOf(supervision));
      const draft: ServiceEntry = {
        tenant,
        service: input.service,
        key,
        record: undefined as unknown as ServiceRecord, // set from the kernel state once the event is applied
        code: compiled.code,
        status: 'starting',
        actor,
        startedAtMs: null,
        restarts: 0,
        lastCrash: null,
        lastHeapBytes: 0,
        appliedSeq: 0,
        logLevel: input.logLevel ?? DEFAULT_SERVICE_LOG_LEVEL,
      };
      // Spawning and running init before the commit point is what lets a module without handlers, or an
      // init that throws, be refused without a trace in the kernel state.
      incarnation = await withSpan(SPAN_NAMES.deployAnalyse, {}, () =>
        startIncarnation(this.#o.sandbox, { tenant, service: input.service, code: compiled.code, limits }, createActorHost(this, draft), input.args),
      );
      const analysed = incarnation;
      const seq = await withSpan(SPAN_NAMES.deployStore, {}, async () => {
        await this.#o.local.artifacts.put(compiled.code);
        // A stale snapshot or timers of an earlier service under this id must not leak into the new one.
        await this.#durable.forget(tenant, input.service);
        return this.#append(
          {
            type: 'service_deployed',
            tenant,
            service_id: input.service,
            data: {
              version: 1,
              code_version: analysed.shape.codeVersion,
              artifact_hash: compiled.hash,
              limits,
              args: input.args,
              filename: input.filename,
              source_bytes: compiled.sourceBytes,
              restart: input.restart,
              durable: input.durable,
              options: { [LOG_LEVEL_OPTION]: input.logLevel ?? DEFAULT_SERVICE_LOG_LEVEL, ...supervision },
            },
          },
          meta,
        );
      });
      const record = this.#kstate.services[recordKey(tenant, input.service)];
      if (!record) throw new SoloError('internal', 'The deploy event did not produce a service record.');
      draft.record = record;
      this.#services.set(key, draft);
      this.#prepared.set(key, incarnation);
      incarnation = null;
      await withSpan(SPAN_NAMES.deployStart, {}, () => this.#tree.addChild(tenant, input.service, childSpecOf(record.restart, record.options)));
      return {
        service_id: input.service,
        tenant,
        version: record.current.version,
        code_version: record.current.code_version,
        artifact_hash: compiled.hash,
        deployed_at: record.deployed_at,
        duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
        event_seq: seq,
      };
    } catch (err) {
      incarnation?.dispose();
      if (!this.#services.has(key)) this.#signals.forget(key); // links its init made die with it
      if (isSoloError(err)) {
        await this.#appendQuietly({ type: 'service_deployment_failed', tenant, service_id: input.service, data: { error: toWireError(err) } }, meta);
      }
      throw err;
    }
  }

  /** Stops a service (terminate with a deadline unless forced), drops its mailbox and state, and forgets it. */
  async kill(tenant: TenantId, input: KillInput, meta: RequestMeta): Promise<KillReply> {
    await this.#accepting();
    const key = serviceKey(tenant, input.service);
    return this.#withLock(key, async () => {
      const entry = this.#entry(tenant, input.service);
      // Forget first: from here on calls and casts get not_found instead of racing the shutdown.
      this.#services.delete(entry.key);
      this.#prepared.get(entry.key)?.dispose();
      this.#prepared.delete(entry.key);
      this.#tree.removeChild(tenant, input.service);
      this.#code.cancel(entry.key);
      entry.status = 'stopping';
      const mode = await entry.actor.stop({ force: input.force, timeoutMs: input.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS, reason: 'normal' });
      entry.status = 'stopped';
      this.#signals.departed(entry, { kind: 'shutdown' });
      const purged = await this.#o.mailbox.purge(tenant, input.service);
      await this.#append({ type: 'service_killed', tenant, service_id: input.service, data: { mode, purged_casts: purged } }, meta);
      await this.#durable.forget(tenant, input.service);
      await this.#discovery?.forgetService(tenant, input.service);
      this.#o.metrics?.forgetService(tenant, input.service);
      return { service_id: input.service, killed_at: new Date(this.#now()).toISOString(), mode };
    });
  }

  /** The status of one service. @throws `not_found` */
  status(tenant: TenantId, service: ServiceId): ServiceStatus {
    return toServiceStatus(this.#entry(tenant, service), this.#now(), this.#tree.childState(tenant, service)?.state ?? null);
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

  /** Request/reply to a service; the local path used by every door and by `ctx.call`. */
  async call(tenant: TenantId, service: ServiceId, message: Json, opts: { timeoutMs: number }): Promise<Json> {
    return withSpan(SPAN_NAMES.kernelCall, { attributes: serviceAttributes(tenant, service) }, async () => {
      if (this.#state !== 'ready') await this.#accepting();
      const entry = this.#entry(tenant, service);
      if (entry.status === 'failed') throw this.#failedError(entry);
      if (entry.status === 'stopped') throw stoppedError(entry, this.#tree.childState(tenant, service));
      const reply = await observeActorCall(this.#o.metrics, tenant, service, () => entry.actor.call(message, { timeoutMs: opts.timeoutMs }));
      if (entry.record.durable) await this.#durable.snapshot(entry);
      return reply;
    });
  }

  /** Appends a message to a service's durable mailbox; the handler runs later, in order. */
  async cast(tenant: TenantId, service: ServiceId, message: Json, meta: RequestMeta): Promise<CastReply> {
    return withSpan(SPAN_NAMES.kernelCast, { kind: 'producer', attributes: serviceAttributes(tenant, service) }, async () => {
      if (this.#state !== 'ready') await this.#accepting();
      const entry = this.#entry(tenant, service);
      if (entry.status === 'failed') throw this.#failedError(entry);
      if (entry.status === 'stopped') throw stoppedError(entry, this.#tree.childState(tenant, service));
      // The trace headers let the actor's handling of this cast, later and maybe elsewhere, join this trace.
      const opts: { correlationId?: string; traceHeaders: Record<string, string> } = { traceHeaders: traceContextHeaders() };
      if (meta.correlationId) opts.correlationId = meta.correlationId;
      return { seq: await this.#o.mailbox.publish(tenant, service, message, opts) };
    });
  }

  /** A page of the tenant's events. */
  async events(tenant: TenantId, q: EventsQuery): Promise<EventsReply> {
    const events = await this.#o.events.read({ tenant, ...q });
    const last = events.at(-1);
    return { events, next_seq: last ? last.seq + 1 : null };
  }

  /** A page of the tenant's service logs. */
  async logs(tenant: TenantId, q: LogsQuery): Promise<LogsReply> {
    const entries = await this.#o.logs.read({ tenant, ...q });
    const last = entries.at(-1);
    return { entries, next_seq: last ? last.seq + 1 : null };
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

  /** Appends an event on behalf of a service (`ctx.emit`). */
  emitFromService(entry: ServiceEntry, type: string, payload: Json | undefined): void {
    void this.#appendQuietly({ type: 'service_emitted', tenant: entry.tenant, service_id: entry.service, data: { type, payload: payload ?? null } }, {});
  }

  /** Writes one log line on behalf of a service (`ctx.log`). */
  logFromService(entry: ServiceEntry, level: 'debug' | 'info' | 'warn' | 'error', message: string, data: Json | undefined): void {
    if (!logLevelPasses(entry.logLevel ?? serviceLogLevel(entry.record), level)) return;
    const line: Parameters<LogStream['append']>[0] = { at: new Date(this.#now()).toISOString(), tenant: entry.tenant, service_id: entry.service, level, message };
    if (data !== undefined) line.data = data;
    this.#o.logs.append(line);
  }

  /** `ctx.setTimer` of a service: volatile timers live in the actor cell, durable ones in the kernel. */
  setTimerFromService(entry: ServiceEntry, ms: number, message: Json, opts: { durable: boolean }): string {
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
    await this.#consumer?.stop();
    if (this.#workingTimer) clearInterval(this.#workingTimer);
    if (this.#heapTimer) clearInterval(this.#heapTimer);
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
    for (const inc of this.#prepared.values()) inc.dispose();
    this.#prepared.clear();
    this.#services.clear();
    this.#o.sandbox.close?.();
    await this.#checkpointing;
    if (wasReady) await this.#checkpoint();
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

  #sampleHeaps(): void {
    const entries = [...this.#services.values()];
    if (entries.length === 0) return;
    for (let i = 0; i < Math.min(HEAP_SAMPLE_SLICE, entries.length); i++) {
      const e = entries[(this.#heapCursor + i) % entries.length] as ServiceEntry;
      const inc = e.actor.incarnation;
      if (inc && !inc.disposed) e.lastHeapBytes = inc.heapBytes();
    }
    this.#heapCursor = (this.#heapCursor + HEAP_SAMPLE_SLICE) % entries.length;
  }

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

  async #withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }

  #newActor(key: string, tenant: TenantId, service: ServiceId, maxCastAttempts: number): Actor {
    return new Actor({ tenant, service, maxCastAttempts, onExit: (r) => this.#onActorExit(key, r) });
  }

  /** Rebuilds runtime entries from a recovered state and starts what should run. Returns when all have started. */
  async #restore(state: KernelState): Promise<{ started: number; failed: number }> {
    this.#kstate = state;
    const records = Object.values(state.services).sort((a, b) => a.deployed_seq - b.deployed_seq);
    let failed = 0;
    for (const [tenant, stored] of tenantsWithSupervision(state)) this.#tree.setTenantPolicy(tenant, policyInput(stored.policy));
    for (const record of records) {
      const tenant = record.tenant as TenantId;
      const service = record.service_id as ServiceId;
      const key = serviceKey(tenant, service);
      const code = this.#o.local.artifacts.verify(record.current.artifact_hash) ? this.#o.local.artifacts.get(record.current.artifact_hash) : undefined;
      const entry: ServiceEntry = {
        tenant,
        service,
        key,
        record,
        code: code ?? '',
        status: 'starting',
        actor: this.#newActor(key, tenant, service, maxCastAttemptsOf(record.options)),
        startedAtMs: null,
        restarts: 0,
        lastCrash: null,
        lastHeapBytes: 0,
        appliedSeq: this.#durable.appliedSeq(tenant, service),
      };
      this.#services.set(key, entry);
      if (code === undefined && !record.failed) {
        // Modified or missing code is never started: the hash in the log is what was deployed.
        entry.status = 'failed';
        entry.actor.close(this.#failedError(entry));
        await this.#append(
          { type: 'service_failed', tenant, service_id: service, data: { reason: 'artifact_mismatch', artifact_hash: record.current.artifact_hash } },
          {},
        );
        failed++;
        continue;
      }
      if (record.failed) {
        entry.status = 'failed';
        entry.actor.close(this.#failedError(entry));
        failed++;
        continue;
      }
      this.#tree.addChild(tenant, service, childSpecOf(record.restart, record.options));
    }
    await Promise.allSettled([...this.#starting]);
    for (const e of this.#services.values()) this.#durable.armTimers(e, () => this.#services.get(e.key) === e);
    const fixed = await this.#durable.dropOrphans(new Set(this.#services.keys()));
    for (const f of fixed) await this.#appendQuietly({ type: 'inconsistency_fixed', tenant: f.tenant, service_id: null, data: { ...f } }, {});
    let started = 0;
    for (const e of this.#services.values()) if (e.status === 'running') started++;
    return { started, failed };
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

  #failedError(e: ServiceEntry): SoloError {
    const why = e.record.failed?.reason === 'artifact_mismatch' ? 'its stored code does not match the hash in the event log (artifact_mismatch)' : `it crashed too often (last: ${e.lastCrash?.reason ?? 'unknown'})`;
    return new SoloError('unavailable', `Service '${e.service}' has failed: ${why}. Fix it and redeploy (\`solo kill ${e.service}\`, then \`solo deploy\`).`, {
      details: { service_id: e.service, status: 'failed' },
    });
  }

  #onActorExit(key: string, reason: ExitReason): void {
    const e = this.#services.get(key);
    if (!e || this.#state === 'stopping') return;
    // Stops the kernel began itself (a supervisor's stop, a kill) are reported by the code that began them.
    if (reason.kind !== 'crash' && e.status === 'stopping') return;
    e.lastHeapBytes = 0;
    if (reason.kind === 'crash') {
      e.lastCrash = { reason: reason.error.message, code: String(reason.error.details?.['reason'] ?? reason.error.code), at: new Date(this.#now()).toISOString() };
      e.status = 'crashed';
      void this.#appendQuietly({ type: 'service_crashed', tenant: e.tenant, service_id: e.service, data: { error: reason.error } }, {});
    } else {
      void this.#appendQuietly({ type: 'service_exited', tenant: e.tenant, service_id: e.service, data: { reason: reason.kind } }, {});
    }
    this.#signals.departed(e, reason);
    if (reason.kind === 'crash' && this.#code.handleCrash(e, reason.error)) return;
    this.#reportExit(e, reason);
  }

  #reportExit(e: ServiceEntry, reason: ExitReason): void {
    this.#tree.report(e.tenant, e.service, { type: 'exited', reason });
    syncWithChild(e, this.#tree.childState(e.tenant, e.service));
  }

  /** Replace and rollback: ends the running incarnation (keeping the mailbox) and starts `next` as a fresh child. */
  async #restartOn(e: ServiceEntry, next: SandboxedActor): Promise<void> {
    this.#tree.removeChild(e.tenant, e.service);
    // A restart already under way attaches first; it is then stopped like any running incarnation.
    await Promise.allSettled([...this.#starting]);
    if (e.actor.incarnation !== null) {
      e.status = 'stopping';
      await e.actor.detach({ timeoutMs: DEFAULT_KILL_TIMEOUT_MS, reason: 'shutdown' });
      this.#signals.departed(e, { kind: 'shutdown' });
    }
    if (e.actor.closed) e.actor = this.#newActor(e.key, e.tenant, e.service, maxCastAttemptsOf(e.record.options));
    if (e.record.durable) await this.#durable.forget(e.tenant, e.service);
    e.restarts = 0;
    this.#prepared.set(e.key, next);
    this.#tree.addChild(e.tenant, e.service, childSpecOf(e.record.restart, e.record.options));
  }

  #codePort(): ConstructorParameters<typeof CodeChanges>[0] {
    return {
      sandbox: this.#o.sandbox,
      local: this.#o.local,
      durable: this.#durable,
      log: this.#log,
      now: () => this.#now(),
      append: (ev, meta) => this.#append(ev, meta),
      hostFor: (e) => createActorHost(this, e),
      isCurrent: (e) => this.#services.get(e.key) === e,
      withLock: (key, fn) => this.#withLock(key, fn),
      restartOn: (e, next) => this.#restartOn(e, next),
      reportCrash: (e, reason) => this.#reportExit(e, reason),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
      accepting: () => this.#accepting(),
      entry: (t, s) => this.#entry(t, s),
      keyOf: serviceKey,
    };
  }

  #onSupervisorAction(a: SupervisorAction): void {
    const e = this.#services.get(serviceKey(a.tenant as TenantId, a.service as ServiceId));
    if (!e) return;
    switch (a.type) {
      case 'start': {
        const p = this.#startIncarnation(e, a.attempt);
        this.#starting.add(p);
        void p.finally(() => this.#starting.delete(p));
        return;
      }
      case 'restart_scheduled':
        e.status = 'restarting';
        return;
      case 'stop':
        // Under the service's lock: a swap in progress finishes before its actor is stopped.
        void this.#withLock(e.key, async () => {
          if (this.#services.get(e.key) !== e) return;
          e.status = 'stopping';
          // A sibling's restart keeps the mailbox for the next incarnation; an escalation stops for good.
          if (a.reason === 'sibling_restart') await e.actor.detach({ timeoutMs: DEFAULT_KILL_TIMEOUT_MS, reason: 'shutdown' });
          else await e.actor.stop({ force: false, timeoutMs: DEFAULT_KILL_TIMEOUT_MS, reason: 'shutdown' });
          this.#signals.departed(e, { kind: 'shutdown' });
        })
          .catch((err: unknown) => this.#log.error('supervisor stop failed', { tenant: e.tenant, service: e.service, error: String(err) }))
          .finally(() => {
            this.#tree.report(e.tenant, e.service, { type: 'stopped' });
            syncWithChild(e, this.#tree.childState(e.tenant, e.service));
          });
        return;
      case 'failed':
        e.status = 'failed';
        e.actor.close(this.#failedError(e));
        void this.#appendQuietly({ type: 'service_failed', tenant: e.tenant, service_id: e.service, data: { reason: a.reason, restarts: e.restarts } }, {});
        return;
      case 'escalated':
        void this.#appendQuietly({ type: 'supervisor_escalated', tenant: e.tenant, service_id: e.service, data: { policy: a.policy } }, {});
        // Under stop_all, children waiting in backoff go down without an action: pick that up once the step ends.
        if (a.policy === 'stop_all') {
          queueMicrotask(() => {
            for (const s of this.#services.values()) if (s.tenant === e.tenant) syncWithChild(s, this.#tree.childState(s.tenant, s.service));
          });
        }
        return;
    }
  }

  async #startIncarnation(e: ServiceEntry, attempt: number): Promise<void> {
    const prepared = this.#prepared.get(e.key);
    this.#prepared.delete(e.key);
    try {
      const spec = { tenant: e.tenant, service: e.service, code: e.code, limits: e.record.limits };
      let inc: SandboxedActor;
      if (prepared) inc = prepared;
      else {
        inc = await this.#limiter.run(() =>
          e.record.durable && this.#durable.hasSnapshot(e.tenant, e.service)
            ? this.#durable.restore(this.#o.sandbox, spec, createActorHost(this, e))
            : startIncarnation(this.#o.sandbox, spec, createActorHost(this, e), e.record.args),
        );
      }
      if (this.#services.get(e.key) !== e) {
        inc.dispose(); // killed while starting
        return;
      }
      e.actor.attach(inc);
      e.startedAtMs = this.#now();
      e.status = 'running';
      if (attempt > 0) {
        e.restarts += 1;
        this.#o.metrics?.countRestart(e.tenant, e.service);
        void this.#appendQuietly({ type: 'service_restarted', tenant: e.tenant, service_id: e.service, data: { attempt, restarts: e.restarts } }, {});
      } else {
        void this.#appendQuietly({ type: 'service_started', tenant: e.tenant, service_id: e.service, data: { version: e.record.current.version } }, {});
      }
      this.#tree.report(e.tenant, e.service, { type: 'started' });
    } catch (err) {
      const wire = toWireError(err);
      if (wire.code === 'internal') {
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause.stack : String((err as { cause?: unknown }).cause);
        this.#log.error('could not start an incarnation', { tenant: e.tenant, service: e.service, error: String(err), cause });
      }
      e.lastCrash = { reason: wire.message, code: String(wire.details?.['reason'] ?? wire.code), at: new Date(this.#now()).toISOString() };
      e.status = 'crashed';
      void this.#appendQuietly({ type: 'service_crashed', tenant: e.tenant, service_id: e.service, data: { error: wire, during: 'init' } }, {});
      this.#tree.report(e.tenant, e.service, { type: 'start_failed', error: wire });
      syncWithChild(e, this.#tree.childState(e.tenant, e.service));
    }
  }

  #onMailboxDelivery(d: MailboxDelivery): void {
    if (this.#inflight.has(d.seq)) return; // redelivered while the first delivery still waits in its queue
    const e = this.#services.get(`${d.tenant}/${d.service}`);
    if (!e) {
      // The service was killed (its mailbox purged) or never existed on this node: nothing can handle it.
      this.#log.warn('dropped a cast for an unknown service', { tenant: d.tenant, service: d.service, seq: d.seq });
      d.term();
      void this.#appendQuietly({ type: 'inconsistency_fixed', tenant: d.tenant, service_id: null, data: { kind: 'orphan_cast', service: d.service, mailbox_seq: d.seq } }, {});
      return;
    }
    if (e.record.durable && d.seq <= e.appliedSeq) {
      // Redelivered after a crash between the snapshot and the ack: its effect is already in the state.
      d.ack();
      return;
    }
    this.#inflight.set(d.seq, d);
    const ack = (): void => {
      this.#inflight.delete(d.seq);
      d.ack();
    };
    observeActorCast(d, () => e.actor.cast(d.message)).then(
      () => {
        if (!e.record.durable) return ack();
        e.appliedSeq = Math.max(e.appliedSeq, d.seq);
        // The snapshot (state + last applied sequence, one LMDB transaction) is durable before the ack.
        this.#durable.snapshot(e).then(ack, (err: unknown) => {
          this.#inflight.delete(d.seq);
          this.#log.error('durable snapshot failed; the cast will be redelivered', { seq: d.seq, error: String(err) });
        });
      },
      (err: unknown) => {
        this.#inflight.delete(d.seq);
        void this.#deadLetter(e, d, err);
      },
    );
  }

  async #deadLetter(e: ServiceEntry, d: MailboxDelivery, err: unknown): Promise<void> {
    const reason = toWireError(err);
    const attempts = Number(reason.details?.['attempts'] ?? 0);
    try {
      const dlqSeq = await this.#o.deadLetters.publish(e.tenant, e.service, { message: d.message, seq: d.seq, reason, attempts });
      await this.#appendQuietly(
        { type: 'message_dead_lettered', tenant: e.tenant, service_id: e.service, data: { mailbox_seq: d.seq, dlq_seq: dlqSeq, attempts, error: reason } },
        d.correlationId ? { correlationId: d.correlationId } : {},
      );
      d.ack();
    } catch (pubErr) {
      // Could not store it anywhere: leave it unacked so JetStream redelivers it rather than lose it.
      this.#log.error('dead-letter publish failed; the cast will be redelivered', { error: String(pubErr), seq: d.seq });
      d.nak(5000);
    }
  }

  async #append(ev: Omit<EventInput, 'at'>, meta: RequestMeta): Promise<number> {
    const full: EventInput = { ...ev, at: new Date(this.#now()).toISOString() };
    if (meta.correlationId) full.correlation_id = meta.correlationId;
    this.#appendsInFlight++;
    let seq: number;
    try {
      seq = await this.#o.events.append(full);
    } finally {
      this.#appendsInFlight--;
    }
    applyEvent(this.#kstate, { ...full, seq });
    this.#o.metrics?.countEvent(full.type);
    this.#eventsSinceCheckpoint++;
    this.#maybeCheckpoint();
    return seq;
  }

  async #appendQuietly(ev: Omit<EventInput, 'at'>, meta: RequestMeta): Promise<void> {
    try {
      await this.#append(ev, meta);
    } catch (err) {
      this.#log.error('event append failed', { type: ev.type, error: String(err) });
    }
  }

  #maybeCheckpoint(): void {
    // Only at a quiet moment: with an append in flight, a lower sequence could still be unapplied, and a
    // checkpoint claiming "everything up to seq N" would then be a lie that replay trusts.
    if (this.#state !== 'ready' || this.#eventsSinceCheckpoint < (this.#o.checkpointEvery ?? 1000)) return;
    if (this.#appendsInFlight > 0 || this.#checkpointing) return;
    this.#checkpointing = this.#checkpoint().finally(() => (this.#checkpointing = null));
  }

  async #checkpoint(): Promise<void> {
    this.#eventsSinceCheckpoint = 0;
    try {
      await writeCheckpoint(this.#o.local, this.#kstate, new Date(this.#now()).toISOString());
    } catch (err) {
      this.#log.error('checkpoint failed; recovery will replay further back', { error: String(err) });
    }
  }
}

/** A fresh correlation id for work that no request started. */
export function newCorrelationId(): string {
  return randomUUID();
}
