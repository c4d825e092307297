// The out-of-process ActorSandbox: isolates run in sandbox host processes, one per tenant (up to maxProcesses,
// then shared round-robin), each with its own V8 heap cap, so an isolate that exhausts memory outside its
// isolate limit takes down only its tenant's process. Processes start on a tenant's first spawn; a spare one
// is kept ready for the next tenant (or the restart after a death).
import { SoloError, fromWireError } from '@solo/protocol';
import type { ActorHost, ActorSandbox, SandboxedActor, SpawnSpec } from '../sandbox.ts';
import type { HostProcess, HostReply } from './host-process.ts';
import { startHostProcess } from './start-host-process.ts';
import { writeHostBundle } from './host-bundle.ts';
import { buildLaunchCommand, type LaunchCommand, type LaunchGuards } from './launch-command.ts';
import { ProcessActor } from './process-actor.ts';
import { sandboxDied, type ProcessDeath } from './process-death.ts';
import {
  resolveProcessSandboxOptions,
  type ProcessSandboxOptions,
  type ResolvedProcessSandboxOptions,
} from './process-sandbox-options.ts';
import type { SpawnedReply } from './sandbox-wire.ts';

/** A host process as the sandbox places it: starting or started, and the tenants it serves. */
interface Slot {
  ready: Promise<HostProcess>;
  proc: HostProcess | null;
  tenants: Set<string>;
}

/** A sandbox host process, as {@link ProcessSandbox.hostProcesses} reports it. */
export interface HostProcessInfo {
  pid: number;
  tenants: string[];
  actors: number;
  /** Started ahead of need; no tenant yet. */
  spare: boolean;
  /** Milliseconds from fork to ready. */
  startMs: number;
}

function closedError(): SoloError {
  return new SoloError(
    'unavailable',
    'The process sandbox is closed: no service can start in it any more. The node is shutting down; start it again to deploy.',
  );
}

/** Runs each incarnation in an isolate inside a sandbox host process (a child process per tenant). */
export class ProcessSandbox implements ActorSandbox {
  readonly #o: ResolvedProcessSandboxOptions;
  /** The bundled host program and the command that runs it, made on the first launch. */
  #launching: Promise<{ entry: string; command: LaunchCommand }> | null = null;
  #guards: LaunchGuards | null = null;
  readonly #byTenant = new Map<string, Slot>();
  /** Slots serving tenants, in placement order; round-robin picks from them once maxProcesses are placed. */
  readonly #placed: Slot[] = [];
  #spare: Slot | null = null;
  #next = 0;
  #closed = false;

  /** @throws `invalid_request` on bad options (see {@link resolveProcessSandboxOptions}). */
  constructor(opts: ProcessSandboxOptions = {}) {
    this.#o = resolveProcessSandboxOptions(opts);
  }

  /**
   * Starts an incarnation in the host process of `spec.tenant`, starting that process first if needed.
   * @throws `unavailable` after close() or when the host process cannot start; `rejected_code` and
   * `service_crashed` as IsolateSandbox does (plus reason `sandbox_died` when the process dies meanwhile).
   */
  async spawn(spec: SpawnSpec, host: ActorHost): Promise<SandboxedActor> {
    if (this.#closed) throw closedError();
    let proc = await this.#processFor(spec.tenant);
    // The process died (or is being killed) while this spawn waited for it: nothing ran there yet, so the spawn
    // goes to a fresh process rather than fail. Once only: a process that dies as it starts fails the spawn.
    if (!proc.alive && !this.#closed) proc = await this.#processFor(spec.tenant);
    if (this.#closed) throw closedError();
    await proc.reserveData(spec.limits.memory_mb);
    const id = proc.nextActorId();
    const onDeath = (death: ProcessDeath): SoloError =>
      death.expected && this.#closed
        ? closedError()
        : sandboxDied({ tenant: spec.tenant, service: spec.service, phase: 'module loading' }, death);
    // Module evaluation is bounded by the smaller of cpu_ms and wall_ms; compiling it is not, hence wall_ms.
    let reply: HostReply;
    try {
      reply = await proc.request((rid) => ({ t: 'spawn', id: rid, actor: id, spec }), onDeath, spec.limits.wall_ms + this.#o.hangGraceMs);
    } catch (err) {
      proc.releaseData(spec.limits.memory_mb);
      throw err;
    }
    if (!reply.ok) {
      proc.releaseData(spec.limits.memory_mb);
      throw fromWireError(reply.error);
    }
    const { shape } = reply.value as SpawnedReply;
    return new ProcessActor({
      proc,
      id,
      host,
      shape,
      tenant: spec.tenant,
      service: spec.service,
      limits: spec.limits,
      heapBytes: reply.heap,
      hangGraceMs: this.#o.hangGraceMs,
    });
  }

  /** Ends every host process (SIGKILL) and refuses further spawns. Actors still running are disposed. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const slots = [...this.#placed, ...(this.#spare !== null ? [this.#spare] : [])];
    this.#placed.length = 0;
    this.#byTenant.clear();
    this.#spare = null;
    for (const slot of slots) {
      if (slot.proc !== null) slot.proc.kill();
      else
        slot.ready.then(
          (p) => p.kill(),
          () => undefined,
        );
    }
  }

  /** The host processes started and alive now, spare included. */
  hostProcesses(): HostProcessInfo[] {
    const infos: HostProcessInfo[] = [];
    for (const slot of this.#placed) {
      if (slot.proc?.alive)
        infos.push({
          pid: slot.proc.pid,
          tenants: [...slot.tenants],
          actors: slot.proc.actorCount,
          spare: false,
          startMs: slot.proc.startMs,
        });
    }
    const spare = this.#spare?.proc;
    if (spare?.alive) infos.push({ pid: spare.pid, tenants: [], actors: 0, spare: true, startMs: spare.startMs });
    return infos;
  }

  #processFor(tenant: string): Promise<HostProcess> {
    // A process that is dying or being killed is never handed out again, even before its exit is observed.
    for (const placed of [...this.#placed]) if (placed.proc !== null && !placed.proc.alive) this.#forget(placed);
    let slot = this.#byTenant.get(tenant);
    if (slot === undefined) {
      if (this.#placed.length >= this.#o.maxProcesses) {
        slot = this.#placed[this.#next++ % this.#placed.length] as Slot;
      } else {
        slot = this.#spare ?? this.#launch();
        this.#spare = null;
        this.#placed.push(slot);
      }
      slot.tenants.add(tenant);
      this.#byTenant.set(tenant, slot);
      this.#topUpSpare();
    }
    return slot.ready;
  }

  #topUpSpare(): void {
    if (this.#o.spareProcesses === 0 || this.#spare !== null || this.#closed) return;
    // A spare is only worth its memory while a new tenant would get a process of its own.
    if (this.#placed.length >= this.#o.maxProcesses) return;
    this.#spare = this.#launch();
  }

  #launch(): Slot {
    const slot = { proc: null, tenants: new Set() } as Omit<Slot, 'ready'> as Slot;
    slot.ready = this.#prepare()
      .then(({ entry, command: c }) => {
        if (this.#closed) throw closedError();
        return startHostProcess({
          command: c.command,
          args: c.args,
          entry,
          config: { isolate: this.#o.isolate, heapReportMs: this.#o.heapReportMs, prlimit: c.dataLimit?.prlimit ?? null },
          serialization: this.#o.serialization,
          startTimeoutMs: this.#o.startTimeoutMs,
          dataLimit: c.dataLimit,
          onExit: (_proc, death) => this.#exited(slot, death),
          onIdle: () => this.#idle(slot),
        });
      })
      .then(
        (proc) => {
          slot.proc = proc;
          // Closed while it started: it was never handed out.
          if (this.#closed) proc.kill();
          return proc;
        },
        (err: unknown) => {
          // Forgotten, so that the next spawn of its tenants starts a new process.
          this.#forget(slot);
          throw err;
        },
      );
    // A spare that fails to start is not waited for by anyone; its error reaches the spawn that takes it.
    slot.ready.catch(() => undefined);
    return slot;
  }

  /** The guards host processes run under; null until the first launch was prepared. */
  get guards(): LaunchGuards | null {
    return this.#guards;
  }

  /** Bundles the host program and builds its command once; a failure is not kept, so the next launch tries again. */
  #prepare(): Promise<{ entry: string; command: LaunchCommand }> {
    if (this.#launching === null) {
      const made = writeHostBundle(this.#o.bundleDir).then((entry) => {
        const command = buildLaunchCommand(this.#o, entry);
        this.#guards = command.guards;
        this.#o.onLaunch?.(command.guards);
        return { entry, command };
      });
      this.#launching = made;
      made.catch(() => {
        if (this.#launching === made) this.#launching = null;
      });
    }
    return this.#launching;
  }

  #exited(slot: Slot, death: ProcessDeath): void {
    this.#forget(slot);
    if (!death.expected) this.#o.onProcessExit?.({ ...death, tenants: [...slot.tenants] });
  }

  #forget(slot: Slot): void {
    const i = this.#placed.indexOf(slot);
    if (i >= 0) this.#placed.splice(i, 1);
    for (const tenant of slot.tenants) if (this.#byTenant.get(tenant) === slot) this.#byTenant.delete(tenant);
    if (this.#spare === slot) this.#spare = null;
  }

  #idle(slot: Slot): void {
    if (this.#o.idleProcessMs === 0) return;
    setTimeout(() => {
      const proc = slot.proc;
      // Still unused: a spawn since then would hold a pending request or an actor.
      if (proc === null || proc.load > 0 || !proc.alive) return;
      // Forgotten before it dies, so that a spawn meanwhile starts another process rather than use this one.
      this.#forget(slot);
      proc.kill();
    }, this.#o.idleProcessMs).unref();
  }
}
