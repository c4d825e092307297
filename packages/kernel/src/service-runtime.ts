// The runtime side of supervision: starts incarnations when the supervisor tree says `start`, carries out its
// other actions (stop, failed, escalated), and reports actor exits and start failures back to the tree.
// The kernel owns the service entries; this module moves them through their statuses.
import { Actor, startIncarnation, type ActorHost, type ActorSandbox, type SandboxedActor, type SpawnSpec } from '@solo/actor-core';
import { SoloError, toWireError, type EventInput, type ExitReason, type ServiceId, type TenantId, type WireError } from '@solo/protocol';
import type { SupervisorAction, SupervisorTree } from '@solo/supervisor';
import type { DurableSupport } from './durable/durable-support.ts';
import type { KernelLogger, RequestMeta } from './kernel-types.ts';
import type { ExitSignals } from './links/exit-signals.ts';
import type { NodeMetrics } from './metrics/node-metrics.ts';
import { serviceKey, type ServiceEntry } from './service-entry.ts';
import { StartLimiter } from './start-limiter.ts';
import type { AdmissionControl } from './admission/admission-control.ts';
import { ACTOR_TIMER_CEILING } from './admission/service-admission.ts';
import { syncWithChild } from './supervision/child-sync.ts';
import { childSpecOf, maxCastAttemptsOf } from './supervision/supervision-options.ts';

export const DEFAULT_KILL_TIMEOUT_MS = 5000;

/** The error calls and casts to a failed service get. */
export function failedError(e: ServiceEntry): SoloError {
  const why = e.record.failed?.reason === 'artifact_mismatch' ? 'its stored code does not match the hash in the event log (artifact_mismatch)' : `it crashed too often (last: ${e.lastCrash?.reason ?? 'unknown'})`;
  return new SoloError('unavailable', `Service '${e.service}' has failed: ${why}. Fix it and redeploy (\`solo kill ${e.service}\`, then \`solo deploy\`).`, {
    details: { service_id: e.service, status: 'failed' },
  });
}

/** What a {@link ServiceRuntime} needs from the kernel. */
export interface ServiceRuntimeDeps {
  sandbox: ActorSandbox;
  now: () => number;
  log: KernelLogger;
  metrics: NodeMetrics | undefined;
  durable: DurableSupport;
  tree: SupervisorTree;
  signals: ExitSignals;
  /** The kernel's service entries by key (read only here). */
  services: ReadonlyMap<string, ServiceEntry>;
  appendQuietly: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<void>;
  withLock: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  hostFor: (e: ServiceEntry) => ActorHost;
  /** True once the kernel is stopping: exits are then not reported. */
  stopping: () => boolean;
  /** Lets a hot swap's rollback window take a crash; true when it did. */
  handleCrash: (e: ServiceEntry, error: WireError) => boolean;
  /** Told of every crash (it records limit violations and feeds the circuit breaker) and of new code. @default none */
  admission?: Pick<AdmissionControl, 'onCrash' | 'resetCircuit' | 'noteBusy' | 'loadOf' | 'accounting'>;
}

/** Incarnation start, supervisor action execution and crash reporting for the kernel's services. */
export class ServiceRuntime {
  readonly #d: ServiceRuntimeDeps;
  /** Incarnations spawned by deploy before its commit point, attached when the tree says `start`. */
  readonly #prepared = new Map<string, SandboxedActor>();
  /** Starts in flight, so recovery can wait for them. */
  readonly #starting = new Set<Promise<void>>();
  /** At most this many incarnations start at once (recovery, restarts). */
  readonly #limiter = new StartLimiter(16);

  constructor(deps: ServiceRuntimeDeps) {
    this.#d = deps;
  }

  /** A new actor cell for a service, whose exits are reported to the tree. */
  newActor(key: string, tenant: TenantId, service: ServiceId, maxCastAttempts: number): Actor {
    // The kernel checks the service's `max_timers` before it asks the cell for a timer.
    const admission = this.#d.admission;
    const load = admission?.accounting ? admission.loadOf(tenant) : null;
    return new Actor({
      tenant,
      service,
      maxCastAttempts,
      maxTimers: ACTOR_TIMER_CEILING,
      onExit: (r) => this.#onActorExit(key, r),
      onBusy: admission && load ? (ms, endMs) => admission.noteBusy(load, ms, endMs) : undefined,
    });
  }

  /** Keeps an incarnation a deploy spawned, to be attached on the tree's first `start`. */
  prepare(key: string, inc: SandboxedActor): void {
    this.#prepared.set(key, inc);
  }

  /** Disposes and forgets the prepared incarnation of `key`, if any. */
  discardPrepared(key: string): void {
    this.#prepared.get(key)?.dispose();
    this.#prepared.delete(key);
  }

  /** Disposes every prepared incarnation (node stop). */
  discardAllPrepared(): void {
    for (const inc of this.#prepared.values()) inc.dispose();
    this.#prepared.clear();
  }

  /** Resolves once every start in flight has settled. */
  async startsSettled(): Promise<void> {
    await Promise.allSettled([...this.#starting]);
  }

  onSupervisorAction(a: SupervisorAction): void {
    const e = this.#d.services.get(serviceKey(a.tenant as TenantId, a.service as ServiceId));
    if (!e) return;
    const tree = this.#d.tree;
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
        void this.#d
          .withLock(e.key, async () => {
            if (this.#d.services.get(e.key) !== e) return;
            e.status = 'stopping';
            // A sibling's restart keeps the mailbox for the next incarnation; an escalation stops for good.
            if (a.reason === 'sibling_restart') await e.actor.detach({ timeoutMs: DEFAULT_KILL_TIMEOUT_MS, reason: 'shutdown' });
            else await e.actor.stop({ force: false, timeoutMs: DEFAULT_KILL_TIMEOUT_MS, reason: 'shutdown' });
            this.#d.signals.departed(e, { kind: 'shutdown' });
          })
          .catch((err: unknown) => this.#d.log.error('supervisor stop failed', { tenant: e.tenant, service: e.service, error: String(err) }))
          .finally(() => {
            tree.report(e.tenant, e.service, { type: 'stopped' });
            syncWithChild(e, tree.childState(e.tenant, e.service));
          });
        return;
      case 'failed':
        e.status = 'failed';
        e.actor.close(failedError(e));
        void this.#d.appendQuietly({ type: 'service_failed', tenant: e.tenant, service_id: e.service, data: { reason: a.reason, restarts: e.restarts } }, {});
        return;
      case 'escalated':
        void this.#d.appendQuietly({ type: 'supervisor_escalated', tenant: e.tenant, service_id: e.service, data: { policy: a.policy } }, {});
        // Under stop_all, children waiting in backoff go down without an action: pick that up once the step ends.
        if (a.policy === 'stop_all') {
          queueMicrotask(() => {
            for (const s of this.#d.services.values()) if (s.tenant === e.tenant) syncWithChild(s, tree.childState(s.tenant, s.service));
          });
        }
        return;
    }
  }

  /** Reports an exit of the service to its child machine and takes on the state it moves to. */
  reportExit(e: ServiceEntry, reason: ExitReason): void {
    this.#d.tree.report(e.tenant, e.service, { type: 'exited', reason });
    syncWithChild(e, this.#d.tree.childState(e.tenant, e.service));
  }

  /** Replace and rollback: ends the running incarnation (keeping the mailbox) and starts `next` as a fresh child. */
  async restartOn(e: ServiceEntry, next: SandboxedActor): Promise<void> {
    this.#d.tree.removeChild(e.tenant, e.service);
    // A restart already under way attaches first; it is then stopped like any running incarnation.
    await Promise.allSettled([...this.#starting]);
    if (e.actor.incarnation !== null) {
      e.status = 'stopping';
      await e.actor.detach({ timeoutMs: DEFAULT_KILL_TIMEOUT_MS, reason: 'shutdown' });
      this.#d.signals.departed(e, { kind: 'shutdown' });
    }
    if (e.actor.closed) e.actor = this.newActor(e.key, e.tenant, e.service, maxCastAttemptsOf(e.record.options));
    if (e.record.durable) await this.#d.durable.forget(e.tenant, e.service);
    e.restarts = 0;
    this.#d.admission?.resetCircuit(e);
    this.#prepared.set(e.key, next);
    this.#d.tree.addChild(e.tenant, e.service, childSpecOf(e.record.restart, e.record.options));
  }

  #onActorExit(key: string, reason: ExitReason): void {
    const e = this.#d.services.get(key);
    if (!e || this.#d.stopping()) return;
    // Stops the kernel began itself (a supervisor's stop, a kill) are reported by the code that began them.
    if (reason.kind !== 'crash' && e.status === 'stopping') return;
    e.lastHeapBytes = 0;
    if (reason.kind === 'crash') {
      e.lastCrash = { reason: reason.error.message, code: String(reason.error.details?.['reason'] ?? reason.error.code), at: new Date(this.#d.now()).toISOString() };
      e.status = 'crashed';
      void this.#d.appendQuietly({ type: 'service_crashed', tenant: e.tenant, service_id: e.service, data: { error: reason.error } }, {});
      this.#d.admission?.onCrash(e, reason.error);
    } else {
      void this.#d.appendQuietly({ type: 'service_exited', tenant: e.tenant, service_id: e.service, data: { reason: reason.kind } }, {});
    }
    this.#d.signals.departed(e, reason);
    if (reason.kind === 'crash' && this.#d.handleCrash(e, reason.error)) return;
    this.reportExit(e, reason);
  }

  /**
   * A durable service starts from its last snapshot (once no write of it is in flight, so the snapshot is final),
   * and the casts an earlier incarnation handled after that snapshot are handed to it again, first and in order
   * (each goes to the head of the mailbox, so the latest goes first): their effect died with that incarnation.
   */
  async #startDurable(e: ServiceEntry, spec: SpawnSpec): Promise<SandboxedActor> {
    await this.#d.durable.settled(e);
    const { inc, seq } = await this.#limiter.run(async () =>
      this.#d.durable.hasSnapshot(e.tenant, e.service)
        ? this.#d.durable.restore(this.#d.sandbox, spec, this.#d.hostFor(e))
        : { inc: await startIncarnation(this.#d.sandbox, spec, this.#d.hostFor(e), e.record.args), seq: 0 },
    );
    e.appliedSeq = seq;
    e.actor.appliedTag = seq;
    const again = [...(e.unsaved ?? [])].filter(([s]) => s > seq).sort(([a], [b]) => b - a);
    for (const [, redo] of again) redo();
    return inc;
  }

  async #startIncarnation(e: ServiceEntry, attempt: number): Promise<void> {
    const prepared = this.#prepared.get(e.key);
    this.#prepared.delete(e.key);
    try {
      const spec = { tenant: e.tenant, service: e.service, code: e.code, limits: e.record.limits };
      let inc: SandboxedActor;
      if (prepared) inc = prepared;
      else if (e.record.durable) inc = await this.#startDurable(e, spec);
      else inc = await this.#limiter.run(() => startIncarnation(this.#d.sandbox, spec, this.#d.hostFor(e), e.record.args));
      if (this.#d.services.get(e.key) !== e) {
        inc.dispose(); // killed while starting
        return;
      }
      e.actor.attach(inc);
      e.startedAtMs = this.#d.now();
      e.status = 'running';
      if (attempt > 0) {
        e.restarts += 1;
        this.#d.metrics?.countRestart(e.tenant, e.service);
        void this.#d.appendQuietly({ type: 'service_restarted', tenant: e.tenant, service_id: e.service, data: { attempt, restarts: e.restarts } }, {});
      } else {
        void this.#d.appendQuietly({ type: 'service_started', tenant: e.tenant, service_id: e.service, data: { version: e.record.current.version } }, {});
      }
      this.#d.tree.report(e.tenant, e.service, { type: 'started' });
    } catch (err) {
      const wire = toWireError(err);
      if (wire.code === 'internal') {
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause.stack : String((err as { cause?: unknown }).cause);
        this.#d.log.error('could not start an incarnation', { tenant: e.tenant, service: e.service, error: String(err), cause });
      }
      e.lastCrash = { reason: wire.message, code: String(wire.details?.['reason'] ?? wire.code), at: new Date(this.#d.now()).toISOString() };
      e.status = 'crashed';
      void this.#d.appendQuietly({ type: 'service_crashed', tenant: e.tenant, service_id: e.service, data: { error: wire, during: 'init' } }, {});
      this.#d.admission?.onCrash(e, wire);
      this.#d.tree.report(e.tenant, e.service, { type: 'start_failed', error: wire });
      syncWithChild(e, this.#d.tree.childState(e.tenant, e.service));
    }
  }
}
