// Durable actors and reminders: state snapshots in LMDB written with the last applied mailbox sequence in
// one transaction, and durable timers that fire exactly once across crashes and restarts of the node.
import { randomUUID } from 'node:crypto';
import type { ActorHost, ActorSandbox, SandboxedActor, SpawnSpec } from '@solo/actor-core';
import { MAX_TIMER_DELAY_MS, SoloError, type Json } from '@solo/protocol';
import type { LocalStore } from '@solo/store';
import type { KernelLogger } from '../kernel-types.ts';
import type { ServiceEntry } from '../service-entry.ts';

function staleError(entry: ServiceEntry): SoloError {
  return new SoloError('unavailable', `The incarnation of '${entry.service}' that handled the message ended before its state was saved; the message will be handled again.`);
}

/** The snapshot writes of one service: one in flight at most, the requests for the next, who waits for quiet. */
interface WriteSlot {
  inFlight: boolean;
  waiters: SnapshotWaiter[];
  idle: Array<() => void>;
}

/** One request for a snapshot; `of`: the incarnation whose state it must hold. */
interface SnapshotWaiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  extra?: () => void;
  of?: SandboxedActor | null;
}

interface Snapshot {
  state: Json;
  /** Last mailbox sequence whose effect `state` includes. */
  seq: number;
  version: number;
  at: string;
}

interface TimerRecord {
  tenant: string;
  service: string;
  timer_id: string;
  due_at: string;
  message: Json;
}

const TIMER_PREFIX = 'dt-';
/**
 * Longest delay one setTimeout takes (Node fires a longer one at once). A reminder due later is armed for this
 * long, then again for what is left, until its due time.
 */
export const MAX_ARM_MS = 2 ** 31 - 1;

/** Where reminders are armed, against the support's wall clock. @default setTimeout and clearTimeout */
export interface ReminderScheduler {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const SYSTEM_SCHEDULER: ReminderScheduler = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
const snapKey = (tenant: string, service: string): string => `${tenant}/${service}`;
const timerKey = (tenant: string, service: string, id: string): string => `${tenant}/${service}/${id}`;

/** A snapshot or timer left in LMDB for a service the log no longer knows, removed at recovery. */
export interface OrphanFix {
  tenant: string;
  key: string;
  kind: 'snapshot' | 'timer';
}

/** Snapshots and durable timers of one node. */
export class DurableSupport {
  readonly #local: LocalStore;
  readonly #now: () => number;
  readonly #log: KernelLogger;
  readonly #scheduler: ReminderScheduler;
  /** Armed reminders: the handle of their current arming. */
  readonly #armed = new Map<string, unknown>();
  /** Armed timers per `tenant/service`, for `limits.max_timers`; changed only by #setArmed and #deleteArmed. */
  readonly #armedPerService = new Map<string, number>();
  /** Group commit per actor: one snapshot write in flight, and who waits for the next one. */
  readonly #writes = new Map<string, WriteSlot>();
  #stopped = false;

  constructor(o: { local: LocalStore; now: () => number; log: KernelLogger; scheduler?: ReminderScheduler }) {
    this.#local = o.local;
    this.#now = o.now;
    this.#log = o.log;
    this.#scheduler = o.scheduler ?? SYSTEM_SCHEDULER;
  }

  hasSnapshot(tenant: string, service: string): boolean {
    return this.#local.snapshots.get(snapKey(tenant, service)) !== undefined;
  }

  /** Last applied mailbox sequence in the snapshot, 0 without one. */
  appliedSeq(tenant: string, service: string): number {
    const s = this.#local.snapshots.get(snapKey(tenant, service)) as Snapshot | undefined;
    return s?.seq ?? 0;
  }

  /**
   * Resolves once a snapshot holding the actor's current state (and the mailbox sequence of the last cast it
   * applied, `Actor.appliedTag`) is durable in LMDB. Group commit: while one write per actor is in flight, later
   * requests wait for the next write, which captures the state at that moment and so covers all of them. State
   * and sequence are read with the mailbox held (`Actor.pause`), where they always agree. `extra` runs inside the same LMDB transaction.
   * With `of`, the request is for the state of that incarnation (the one that handled a cast; null: it is gone
   * already): when another incarnation runs by the time of the write (a restart from the last snapshot), or none, it rejects with
   * `unavailable` instead, so that the cast is not acknowledged and its effect not lost.
   */
  snapshot(entry: ServiceEntry, extra?: () => void, opts: { of?: SandboxedActor | null } = {}): Promise<void> {
    let slot = this.#writes.get(entry.key);
    if (!slot) {
      slot = { inFlight: false, waiters: [], idle: [] };
      this.#writes.set(entry.key, slot);
    }
    const s = slot;
    return new Promise<void>((resolve, reject) => {
      s.waiters.push({ resolve, reject, ...(extra ? { extra } : {}), ...(opts.of !== undefined ? { of: opts.of } : {}) });
      if (!s.inFlight) void this.#write(entry, s);
    });
  }

  /** Resolves once no snapshot of the service is being written or waits to be (its LMDB snapshot is final). */
  settled(entry: ServiceEntry): Promise<void> {
    const slot = this.#writes.get(entry.key);
    return slot === undefined ? Promise.resolve() : new Promise<void>((resolve) => slot.idle.push(resolve));
  }

  async #write(entry: ServiceEntry, slot: WriteSlot): Promise<void> {
    slot.inFlight = true;
    const inc = entry.actor.incarnation;
    const live = inc !== null && !inc.disposed ? inc : null;
    // Waiters for an incarnation that is no longer the running one: their state is gone with it.
    const stale = slot.waiters.filter((w) => w.of !== undefined && (w.of === null || w.of !== live));
    const waiters = slot.waiters.filter((w) => !stale.includes(w));
    slot.waiters = [];
    for (const w of stale) w.reject(staleError(entry));
    try {
      if (live !== null) {
        // State and sequence are read at one point between handlers: a getState that is a round trip to a sandbox
        // host process would otherwise see a cast whose completion the kernel has not processed yet (or miss one it
        // has), and a crash then would apply that cast twice (or never).
        // The request for the state leaves while no handler is in flight, and before the next one starts (a sandbox
        // answers in order); holding the mailbox until then is enough, not until the answer.
        await entry.actor.pause();
        let reading: Promise<Json>;
        let seq: number;
        try {
          if (entry.actor.incarnation !== live || live.disposed) throw staleError(entry);
          seq = entry.actor.appliedTag;
          reading = live.getState();
        } finally {
          entry.actor.resume();
        }
        const state = await reading;
        const snap: Snapshot = { state, seq, version: entry.record.current.version, at: new Date(this.#now()).toISOString() };
        await this.#local.transaction(() => {
          void this.#local.snapshots.put(snapKey(entry.tenant, entry.service), snap as unknown as Json);
          for (const w of waiters) w.extra?.();
        });
      }
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    } finally {
      slot.inFlight = false;
      if (slot.waiters.length > 0) void this.#write(entry, slot);
      else {
        this.#writes.delete(entry.key);
        for (const resolve of slot.idle.splice(0)) resolve();
      }
    }
  }

  /** Starts an incarnation from the snapshot instead of `init`; `seq` is the snapshot's applied sequence. */
  async restore(sandbox: ActorSandbox, spec: SpawnSpec, host: ActorHost): Promise<{ inc: SandboxedActor; seq: number }> {
    const snap = this.#local.snapshots.get(snapKey(spec.tenant, spec.service)) as Snapshot | undefined;
    const inc = await sandbox.spawn(spec, host);
    try {
      await inc.setState(snap?.state ?? null);
      return { inc, seq: snap?.seq ?? 0 };
    } catch (err) {
      inc.dispose();
      throw err;
    }
  }

  /** Durable timers of a service armed and not yet fired (counted against `limits.max_timers`). */
  timerCount(tenant: string, service: string): number {
    return this.#armedPerService.get(snapKey(tenant, service)) ?? 0;
  }

  isDurableTimer(id: string): boolean {
    return id.startsWith(TIMER_PREFIX);
  }

  /**
   * Records a reminder and arms it. The record is written before the handler's own snapshot (same queue).
   * @throws `invalid_request` when `ms` is not a number from 0 to MAX_TIMER_DELAY_MS (365 days).
   */
  setTimer(entry: ServiceEntry, ms: number, message: Json, stillCurrent: () => boolean): string {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_DELAY_MS) {
      throw new SoloError('invalid_request', `Timer delay must be a number of ms from 0 to ${MAX_TIMER_DELAY_MS} (365 days), got ${String(ms)}.`, {
        details: { field: 'ms', max: MAX_TIMER_DELAY_MS },
      });
    }
    const id = `${TIMER_PREFIX}${randomUUID()}`;
    const rec: TimerRecord = { tenant: entry.tenant, service: entry.service, timer_id: id, due_at: new Date(this.#now() + ms).toISOString(), message };
    void this.#local.timers.put(timerKey(entry.tenant, entry.service, id), rec as unknown as Json).catch((err: unknown) => {
      this.#log.error('could not store a durable timer', { error: String(err) });
    });
    this.#arm(entry, rec, stillCurrent);
    return id;
  }

  cancelTimer(entry: ServiceEntry, id: string): boolean {
    const key = timerKey(entry.tenant, entry.service, id);
    if (this.#armed.has(key)) this.#scheduler.clear(this.#armed.get(key));
    this.#deleteArmed(key);
    const existed = this.#local.timers.get(key) !== undefined;
    void this.#local.timers.remove(key);
    return existed;
  }

  /** Arms every stored timer of `entry` (after recovery); overdue ones fire at once, late. */
  armTimers(entry: ServiceEntry, stillCurrent: () => boolean): void {
    for (const [, raw] of this.#local.timers.entries({ prefix: `${entry.tenant}/${entry.service}/` })) {
      this.#arm(entry, raw as unknown as TimerRecord, stillCurrent);
    }
  }

  /** Removes the snapshot and timers of a service (kill, or a fresh deploy under the same id). */
  async forget(tenant: string, service: string): Promise<void> {
    const prefix = `${tenant}/${service}/`;
    for (const [key, t] of this.#armed) {
      if (key.startsWith(prefix)) {
        this.#scheduler.clear(t);
        this.#deleteArmed(key);
      }
    }
    const timerKeys = [...this.#local.timers.entries({ prefix })].map(([k]) => k);
    if (timerKeys.length === 0 && !this.hasSnapshot(tenant, service)) return;
    await this.#local.transaction(() => {
      void this.#local.snapshots.remove(snapKey(tenant, service));
      for (const k of timerKeys) void this.#local.timers.remove(k);
    });
  }

  /** Drops snapshots and timers of services the recovered state does not contain. */
  async dropOrphans(known: ReadonlySet<string>): Promise<OrphanFix[]> {
    const fixes: OrphanFix[] = [];
    for (const [key] of this.#local.snapshots.entries()) if (!known.has(key)) fixes.push({ tenant: key.split('/')[0] as string, key, kind: 'snapshot' });
    for (const [key] of this.#local.timers.entries()) {
      const [t, s] = key.split('/');
      if (!known.has(`${t}/${s}`)) fixes.push({ tenant: t as string, key, kind: 'timer' });
    }
    if (fixes.length > 0) {
      await this.#local.transaction(() => {
        for (const f of fixes) void (f.kind === 'snapshot' ? this.#local.snapshots.remove(f.key) : this.#local.timers.remove(f.key));
      });
    }
    return fixes;
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#armed.values()) this.#scheduler.clear(t);
    this.#armed.clear();
    this.#armedPerService.clear();
  }

  /**
   * Arms a reminder for its `due_at`. One due beyond a single setTimeout is armed for MAX_ARM_MS and armed again
   * when that runs out (issue #6: it used to fire then, ~24.8 days early); one due sooner fires when its
   * setTimeout does.
   */
  #arm(entry: ServiceEntry, rec: TimerRecord, stillCurrent: () => boolean): void {
    const key = timerKey(rec.tenant, rec.service, rec.timer_id);
    const delay = Math.max(0, Date.parse(rec.due_at) - this.#now());
    const run = delay > MAX_ARM_MS ? () => this.#arm(entry, rec, stillCurrent) : () => void this.#fire(entry, rec, key, stillCurrent);
    this.#setArmed(key, this.#scheduler.set(run, Math.min(delay, MAX_ARM_MS)));
  }

  #setArmed(key: string, handle: unknown): void {
    if (!this.#armed.has(key)) this.#countArmed(key, 1);
    this.#armed.set(key, handle);
  }

  #deleteArmed(key: string): void {
    if (this.#armed.delete(key)) this.#countArmed(key, -1);
  }

  #countArmed(key: string, by: 1 | -1): void {
    const service = key.slice(0, key.lastIndexOf('/'));
    const n = (this.#armedPerService.get(service) ?? 0) + by;
    if (n > 0) this.#armedPerService.set(service, n);
    else this.#armedPerService.delete(service);
  }

  async #fire(entry: ServiceEntry, rec: TimerRecord, key: string, stillCurrent: () => boolean): Promise<void> {
    this.#deleteArmed(key);
    if (this.#stopped || !stillCurrent()) return;
    const firedAt = new Date(this.#now()).toISOString();
    try {
      await entry.actor.info({ timer_id: rec.timer_id, due_at: rec.due_at, fired_at: firedAt, message: rec.message });
    } catch (err) {
      // The handler crashed or the actor stopped: the record stays, so the reminder fires again after a restart.
      if (!this.#stopped && stillCurrent()) {
        this.#log.warn('durable timer handler failed; retrying', { timer_id: rec.timer_id, error: String(err) });
        const retry = this.#scheduler.set(() => void this.#fire(entry, rec, key, stillCurrent), 1000);
        this.#setArmed(key, retry);
      }
      return;
    }
    // Exactly once: the timer record goes in the same transaction as the state that includes its effect.
    const remove = (): void => void this.#local.timers.remove(key);
    if (entry.record.durable) await this.snapshot(entry, remove);
    else await this.#local.transaction(remove);
  }
}
