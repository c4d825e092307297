// The kernel of one node: deploy, kill, status, list, call and cast routing. It reports facts to the
// supervisor tree and carries out the actions the tree decides; every operation appends its event.
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
  type EventType,
  type ExitReason,
  type HealthReply,
  type Json,
  type KillReply,
  type ListReply,
  type LogsReply,
  type ServiceId,
  type ServiceStatus,
  type ServiceStatusName,
  type TenantId,
} from '@solo/protocol';
import type { DeadLetters, EventLog, EventTail, LocalStore, LogTail, LogStream, MailboxConsumer, MailboxDelivery, MailboxStream } from '@solo/store';
import { createSupervisorTree, type SupervisorAction, type SupervisorTree } from '@solo/supervisor';
import { createActorHost } from './actor-host.ts';
import { resolveServiceLimits } from './resolve-limits.ts';
import { serviceKey, toServiceStatus, type ServiceEntry } from './service-entry.ts';
import type { DeployInput, EventsQuery, KernelLogger, KillInput, ListQuery, LogsQuery, RequestMeta } from './kernel-types.ts';

/** Options of {@link Kernel.start}. */
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
  /** Wall clock. @default Date.now */
  now?: () => number;
  /** Where the kernel writes its own diagnostics. @default silent */
  log?: KernelLogger;
}

const DEFAULT_KILL_TIMEOUT_MS = 5000;

/** The composition of one node's services: owns every actor cell and the supervisor tree. */
export class Kernel {
  readonly #o: KernelOptions;
  readonly #now: () => number;
  readonly #log: KernelLogger;
  readonly #services = new Map<string, ServiceEntry>();
  /** Keys with a deploy in flight, so two concurrent deploys of one id cannot both pass the existence check. */
  readonly #deploying = new Set<string>();
  /** Incarnations spawned by deploy before its commit point, attached when the tree says `start`. */
  readonly #prepared = new Map<string, SandboxedActor>();
  readonly #tree: SupervisorTree;
  readonly #startedAtMs: number;
  #deploySeq = 0;
  #consumer: MailboxConsumer | null = null;
  #state: HealthReply['status'] = 'starting';

  private constructor(o: KernelOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#log = o.log ?? { info: () => {}, warn: () => {}, error: () => {} };
    this.#startedAtMs = this.#now();
    this.#tree = createSupervisorTree({
      clock: { now: this.#now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      random: Math.random,
      onAction: (a) => this.#onSupervisorAction(a),
    });
  }

  /** Creates the kernel and starts consuming this node's mailboxes. */
  static async start(o: KernelOptions): Promise<Kernel> {
    const k = new Kernel(o);
    k.#consumer = await o.mailbox.consume(o.nodeId, (d) => k.#onMailboxDelivery(d), {
      onBadMessage: (seq: number, subject: string) => k.#log.warn('dropped a mailbox message that is not JSON', { seq, subject }),
    });
    k.#state = 'ready';
    return k;
  }

  get nodeId(): string {
    return this.#o.nodeId;
  }

  /** Compiles, checks, stores and starts a new service. Nothing is left behind when any step fails. */
  async deploy(tenant: TenantId, input: DeployInput, meta: RequestMeta): Promise<DeployReply> {
    this.#assertAccepting();
    const t0 = performance.now();
    const key = serviceKey(tenant, input.service);
    if (this.#services.has(key) || this.#deploying.has(key)) {
      throw new SoloError(
        'already_exists',
        `Service '${input.service}' is already deployed for tenant '${tenant}'. Kill it first (\`solo kill ${input.service}\`) or deploy under another \`--service-id\`.`,
        { details: { service_id: input.service } },
      );
    }
    this.#deploying.add(key);
    let incarnation: SandboxedActor | null = null;
    try {
      const limits = resolveServiceLimits(input.limits);
      const compiled = await compileService(input.source, { filename: input.filename });
      const actor = new Actor({ tenant, service: input.service, onExit: (r) => this.#onActorExit(key, r) });
      const entry: ServiceEntry = {
        tenant,
        service: input.service,
        key,
        version: 1,
        codeVersion: null,
        artifactHash: compiled.hash,
        code: compiled.code,
        limits,
        args: input.args,
        deployedAt: new Date(this.#now()).toISOString(),
        deploySeq: ++this.#deploySeq,
        status: 'starting',
        actor,
        startedAtMs: null,
        restarts: 0,
        lastCrash: null,
        lastHeapBytes: 0,
      };
      // Spawning and running init before the commit point is what lets a module without handlers, or an
      // init that throws, be refused without a trace in the log.
      incarnation = await startIncarnation(this.#o.sandbox, this.#spawnSpec(entry), createActorHost(this, entry), input.args);
      entry.codeVersion = incarnation.shape.codeVersion;
      await this.#o.local.artifacts.put(compiled.code);
      const seq = await this.#append(
        {
          type: 'service_deployed',
          tenant,
          service_id: input.service,
          data: {
            version: entry.version,
            code_version: entry.codeVersion,
            artifact_hash: compiled.hash,
            limits,
            args: input.args,
            filename: input.filename,
            source_bytes: compiled.sourceBytes,
          },
        },
        meta,
      );
      this.#services.set(key, entry);
      this.#prepared.set(key, incarnation);
      incarnation = null;
      this.#tree.addChild(tenant, input.service, { restart: 'permanent' });
      return {
        service_id: input.service,
        tenant,
        version: entry.version,
        code_version: entry.codeVersion,
        artifact_hash: compiled.hash,
        deployed_at: entry.deployedAt,
        duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
        event_seq: seq,
      };
    } catch (err) {
      incarnation?.dispose();
      if (isSoloError(err)) {
        await this.#appendQuietly(
          { type: 'service_deployment_failed', tenant, service_id: input.service, data: { error: toWireError(err) } },
          meta,
        );
      }
      throw err;
    } finally {
      this.#deploying.delete(key);
    }
  }

  /** Stops a service (terminate with a deadline unless forced), drops its mailbox and forgets it. */
  async kill(tenant: TenantId, input: KillInput, meta: RequestMeta): Promise<KillReply> {
    this.#assertAccepting();
    const entry = this.#entry(tenant, input.service);
    // Forget first: from here on calls and casts get not_found instead of racing the shutdown.
    this.#services.delete(entry.key);
    this.#prepared.get(entry.key)?.dispose();
    this.#prepared.delete(entry.key);
    this.#tree.removeChild(tenant, input.service);
    entry.status = 'stopping';
    const mode = await entry.actor.stop({ force: input.force, timeoutMs: input.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS, reason: 'normal' });
    entry.status = 'stopped';
    const purged = await this.#o.mailbox.purge(tenant, input.service);
    const killedAt = new Date(this.#now()).toISOString();
    await this.#append({ type: 'service_killed', tenant, service_id: input.service, data: { mode, purged_casts: purged } }, meta);
    return { service_id: input.service, killed_at: killedAt, mode };
  }

  /** The status of one service. @throws `not_found` */
  status(tenant: TenantId, service: ServiceId): ServiceStatus {
    return toServiceStatus(this.#entry(tenant, service), this.#now());
  }

  /** One page of a tenant's services in deploy order, optionally filtered by status. */
  list(tenant: TenantId, q: ListQuery): ListReply {
    const now = this.#now();
    const all: ServiceEntry[] = [];
    for (const e of this.#services.values()) {
      if (e.tenant === tenant && (q.status === undefined || e.status === q.status)) all.push(e);
    }
    all.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
    const page = all.slice(q.offset, q.offset + q.limit).map((e) => toServiceStatus(e, now));
    const next = q.offset + page.length;
    return { services: page, total: all.length, next_offset: next < all.length ? next : null };
  }

  /** Request/reply to a service; the local path used by every door and by `ctx.call`. */
  async call(tenant: TenantId, service: ServiceId, message: Json, opts: { timeoutMs: number }): Promise<Json> {
    this.#assertAccepting();
    const entry = this.#entry(tenant, service);
    if (entry.status === 'failed') throw this.#failedError(entry);
    return entry.actor.call(message, { timeoutMs: opts.timeoutMs });
  }

  /** Appends a message to a service's durable mailbox; the handler runs later, in order. */
  async cast(tenant: TenantId, service: ServiceId, message: Json, meta: RequestMeta): Promise<CastReply> {
    this.#assertAccepting();
    const entry = this.#entry(tenant, service);
    if (entry.status === 'failed') throw this.#failedError(entry);
    const opts: { correlationId?: string } = {};
    if (meta.correlationId) opts.correlationId = meta.correlationId;
    const seq = await this.#o.mailbox.publish(tenant, service, message, opts);
    return { seq };
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
      else if (e.status === 'restarting' || e.status === 'crashed') restarting++;
    }
    return {
      status: this.#state,
      node_id: this.#o.nodeId,
      version: this.#o.version,
      uptime_ms: this.#now() - this.#startedAtMs,
      services: { running, failed, restarting, total: this.#services.size },
    };
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
    const line: Parameters<LogStream['append']>[0] = { at: new Date(this.#now()).toISOString(), tenant: entry.tenant, service_id: entry.service, level, message };
    if (data !== undefined) line.data = data;
    this.#o.logs.append(line);
  }

  /** Resolves a target id given by a service's code. @throws `invalid_request` */
  parseTarget(target: unknown): ServiceId {
    return parseServiceId(target);
  }

  /**
   * Graceful stop: refuse new work, stop the mailbox consumer (unacked casts stay in the stream), run every
   * actor's terminate within `timeoutMs`, flush logs.
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#state === 'stopping') return;
    this.#state = 'stopping';
    await this.#consumer?.stop();
    this.#tree.stop();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS;
    await Promise.all(
      [...this.#services.values()].map(async (e) => {
        try {
          await e.actor.stop({ timeoutMs, reason: 'shutdown' });
        } catch (err) {
          this.#log.warn('actor did not stop cleanly', { tenant: e.tenant, service: e.service, error: String(err) });
        }
      }),
    );
    for (const inc of this.#prepared.values()) inc.dispose();
    this.#prepared.clear();
    this.#services.clear();
    await this.#o.logs.flush();
  }

  #assertAccepting(): void {
    if (this.#state !== 'ready') {
      throw new SoloError('unavailable', `The node is ${this.#state}; retry in a moment.`, { details: { retry_after_ms: 1000 } });
    }
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
    return new SoloError(
      'unavailable',
      `Service '${e.service}' has failed: it crashed too often (last: ${e.lastCrash?.reason ?? 'unknown'}). Fix the code and redeploy it (\`solo kill ${e.service}\`, then \`solo deploy\`).`,
      { details: { service_id: e.service, status: 'failed' } },
    );
  }

  #spawnSpec(e: ServiceEntry): { tenant: string; service: string; code: string; limits: ServiceEntry['limits'] } {
    return { tenant: e.tenant, service: e.service, code: e.code, limits: e.limits };
  }

  #setStatus(e: ServiceEntry, s: ServiceStatusName): void {
    e.status = s;
  }

  #onActorExit(key: string, reason: ExitReason): void {
    const e = this.#services.get(key);
    if (!e || reason.kind !== 'crash') return;
    if (e.startedAtMs !== null) e.lastHeapBytes = 0;
    e.lastCrash = { reason: reason.error.message, code: String(reason.error.details?.['reason'] ?? reason.error.code), at: new Date(this.#now()).toISOString() };
    this.#setStatus(e, 'crashed');
    void this.#appendQuietly({ type: 'service_crashed', tenant: e.tenant, service_id: e.service, data: { error: reason.error } }, {});
    this.#tree.report(e.tenant, e.service, { type: 'exited', reason });
  }

  #onSupervisorAction(a: SupervisorAction): void {
    const e = this.#services.get(serviceKey(a.tenant as TenantId, a.service as ServiceId));
    if (!e) return;
    switch (a.type) {
      case 'start':
        void this.#startIncarnation(e, a.attempt);
        return;
      case 'restart_scheduled':
        this.#setStatus(e, 'restarting');
        return;
      case 'stop':
        void e.actor.stop({ force: false, timeoutMs: DEFAULT_KILL_TIMEOUT_MS, reason: 'shutdown' }).finally(() => {
          this.#tree.report(e.tenant, e.service, { type: 'stopped' });
        });
        return;
      case 'failed':
        this.#setStatus(e, 'failed');
        e.actor.close(this.#failedError(e));
        void this.#appendQuietly({ type: 'service_failed', tenant: e.tenant, service_id: e.service, data: { reason: a.reason, restarts: e.restarts } }, {});
        return;
      case 'escalated':
        void this.#appendQuietly({ type: 'supervisor_escalated', tenant: e.tenant, service_id: e.service, data: { policy: a.policy } }, {});
        return;
    }
  }

  async #startIncarnation(e: ServiceEntry, attempt: number): Promise<void> {
    const prepared = this.#prepared.get(e.key);
    this.#prepared.delete(e.key);
    try {
      const inc = prepared ?? (await startIncarnation(this.#o.sandbox, this.#spawnSpec(e), createActorHost(this, e), e.args));
      if (this.#services.get(e.key) !== e) {
        inc.dispose(); // killed while starting
        return;
      }
      e.codeVersion = inc.shape.codeVersion ?? e.codeVersion;
      e.actor.attach(inc);
      e.startedAtMs = this.#now();
      this.#setStatus(e, 'running');
      if (attempt > 0) {
        e.restarts += 1;
        void this.#appendQuietly({ type: 'service_restarted', tenant: e.tenant, service_id: e.service, data: { attempt, restarts: e.restarts } }, {});
      } else {
        void this.#appendQuietly({ type: 'service_started', tenant: e.tenant, service_id: e.service, data: { version: e.version } }, {});
      }
      this.#tree.report(e.tenant, e.service, { type: 'started' });
    } catch (err) {
      const wire = toWireError(err);
      e.lastCrash = { reason: wire.message, code: String(wire.details?.['reason'] ?? wire.code), at: new Date(this.#now()).toISOString() };
      this.#setStatus(e, 'crashed');
      void this.#appendQuietly({ type: 'service_crashed', tenant: e.tenant, service_id: e.service, data: { error: wire, during: 'init' } }, {});
      this.#tree.report(e.tenant, e.service, { type: 'start_failed', error: wire });
    }
  }

  #onMailboxDelivery(d: MailboxDelivery): void {
    const e = this.#services.get(`${d.tenant}/${d.service}`);
    if (!e) {
      // The service was killed (its mailbox purged) or never existed on this node: nothing can handle it.
      this.#log.warn('dropped a cast for an unknown service', { tenant: d.tenant, service: d.service, seq: d.seq });
      d.term();
      return;
    }
    e.actor.cast(d.message).then(
      () => d.ack(),
      (err: unknown) => void this.#deadLetter(e, d, err),
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
    return this.#o.events.append(full);
  }

  async #appendQuietly(ev: Omit<EventInput, 'at'> & { type: EventType }, meta: RequestMeta): Promise<void> {
    try {
      await this.#append(ev, meta);
    } catch (err) {
      this.#log.error('event append failed', { type: ev.type, error: String(err) });
    }
  }
}

/** A fresh correlation id for work that no request started. */
export function newCorrelationId(): string {
  return randomUUID();
}
