// One incarnation living in a sandbox host process: a SandboxedActor whose methods are requests to that
// process. It mirrors what the isolate reports (disposed, heap) and turns the process's death into a crash.
import { AsyncResource } from 'node:async_hooks';
import { fromWireError, type Json, type SandboxLimits, type SoloError } from '@solo/protocol';
import { limitText } from '../isolate/isolate-failure.ts';
import type { ActorHost, CastBatchOutcome, SandboxedActor, ServiceShape } from '../sandbox.ts';
import { crashReasonOf, serviceCrashed, type CrashReason } from '../service-crash.ts';
import type { HostProcess, HostReply, HostedActor } from './host-process.ts';
import { sandboxDied, type ProcessDeath } from './process-death.ts';
import type { CastBatchReply, InvokeMethod } from './sandbox-wire.ts';

/** Everything a {@link ProcessActor} is made of; assembled by ProcessSandbox.spawn. */
export interface ProcessActorParts {
  proc: HostProcess;
  id: number;
  host: ActorHost;
  shape: ServiceShape;
  tenant: string;
  service: string;
  limits: SandboxLimits;
  heapBytes: number;
  /** How long past its limits a request may go unanswered before the process counts as stuck. */
  hangGraceMs: number;
}

/** A handler call on its way; rejected at once by dispose() or the death of the process. */
interface InFlight {
  method: InvokeMethod;
  reject(error: SoloError): void;
}

/** A {@link SandboxedActor} whose isolate lives in a sandbox host process. */
export class ProcessActor implements SandboxedActor, HostedActor {
  readonly shape: ServiceShape;
  readonly host: ActorHost;
  readonly #proc: HostProcess;
  readonly #id: number;
  readonly #tenant: string;
  readonly #service: string;
  readonly #limits: SandboxLimits;
  readonly #hangGraceMs: number;
  readonly #inFlight = new Set<InFlight>();
  readonly #crashListeners: Array<(error: SoloError) => void> = [];
  #heapBytes: number;
  #disposedBy: CrashReason | null = null;
  /** Set when the process died under this incarnation (not by close): later calls reject with it. */
  #death: ProcessDeath | null = null;
  /** The async context of the handler invocation in progress (or the last one): its ctx callbacks run in it. */
  #scope: AsyncResource | null = null;

  constructor(parts: ProcessActorParts) {
    this.shape = parts.shape;
    this.host = parts.host;
    this.#proc = parts.proc;
    this.#id = parts.id;
    this.#tenant = parts.tenant;
    this.#service = parts.service;
    this.#limits = parts.limits;
    this.#hangGraceMs = parts.hangGraceMs;
    this.#heapBytes = parts.heapBytes;
    parts.proc.register(parts.id, this, parts.limits.memory_mb);
  }

  get disposed(): boolean {
    return this.#disposedBy !== null;
  }

  /** The PID of the sandbox host process this incarnation runs in. */
  get pid(): number {
    return this.#proc.pid;
  }

  async init(args: Json): Promise<void> {
    await this.#invoke('init', [args]);
  }

  async handleCall(message: Json): Promise<Json> {
    return (await this.#invoke('handleCall', [message])) as Json;
  }

  async handleCast(message: Json): Promise<void> {
    await this.#invoke('handleCast', [message]);
  }

  async handleCasts(messages: Json[]): Promise<CastBatchOutcome> {
    const out = (await this.#invoke('handleCasts', [messages], messages.length)) as CastBatchReply;
    return out.error === undefined ? { handled: out.handled } : { handled: out.handled, error: fromWireError(out.error) };
  }

  async handleInfo(message: Json): Promise<void> {
    await this.#invoke('handleInfo', [message]);
  }

  async codeChange(oldState: Json, fromVersion: string): Promise<void> {
    await this.#invoke('codeChange', [oldState, fromVersion]);
  }

  async terminate(reason: Json): Promise<void> {
    await this.#invoke('terminate', [reason]);
  }

  async getState(): Promise<Json> {
    return (await this.#invoke('getState', [])) as Json;
  }

  async setState(state: Json): Promise<void> {
    await this.#invoke('setState', [state]);
  }

  /** The heap of its isolate as of the last reply or periodic report. */
  heapBytes(): number {
    return this.#disposedBy === null ? this.#heapBytes : 0;
  }

  dispose(): void {
    if (this.#disposedBy !== null) return;
    this.#disposedBy = 'disposed';
    this.#rejectInFlight((method) => this.#error(method, 'disposed', limitText('disposed', this.#limits)));
    this.#proc.post({ t: 'dispose', actor: this.#id });
    this.#proc.unregister(this.#id);
  }

  onCrash(listener: (error: SoloError) => void): void {
    if (this.#death !== null) {
      const error = this.#died('its sandbox host process', this.#death);
      queueMicrotask(() => listener(error));
      return;
    }
    if (this.#disposedBy === null) this.#crashListeners.push(listener);
  }

  // HostedActor ------------------------------------------------------------------------------------------------

  runInScope<T>(fn: () => T): T {
    // In-process, a ctx callback runs inside the invocation's call stack; here it arrives on a socket, so the
    // invocation's context (its trace span, above all) is restored explicitly.
    return this.#scope === null ? fn() : this.#scope.runInAsyncScope(fn);
  }

  heapReported(bytes: number): void {
    this.#heapBytes = bytes;
  }

  processDied(death: ProcessDeath): void {
    if (this.#disposedBy !== null) return;
    if (death.expected) {
      // Ended by the sandbox (close): not the service's doing, so it reads as a disposal.
      this.dispose();
      return;
    }
    this.#disposedBy = 'sandbox_died';
    this.#death = death;
    this.#rejectInFlight((method) => this.#died(method, death));
    const listeners = this.#crashListeners.splice(0);
    for (const listener of listeners) listener(this.#died('its sandbox host process', death));
  }

  // internals ----------------------------------------------------------------------------------------------------

  #invoke(method: InvokeMethod, args: Json[], handlers = 1): Promise<unknown> {
    if (this.#death !== null) return Promise.reject(this.#died(method, this.#death));
    if (this.#disposedBy !== null) return Promise.reject(this.#error(method, 'disposed', limitText('disposed', this.#limits)));
    this.#scope = new AsyncResource('SoloSandboxInvoke');
    return new Promise<unknown>((resolve, reject) => {
      const flight: InFlight = { method, reject };
      this.#inFlight.add(flight);
      this.#proc
        .request(
          (id) => ({ t: 'invoke', id, actor: this.#id, method, args }),
          (death) => this.#died(method, death),
          this.#answerWithinMs(method, handlers),
        )
        .then(
          (reply) => {
            // Rejected already by dispose() or the death of the process: the reply is stale.
            if (!this.#inFlight.delete(flight)) return;
            this.#absorb(reply);
            if (reply.ok) resolve(reply.value);
            else reject(fromWireError(reply.error));
          },
          (err: SoloError) => {
            this.#inFlight.delete(flight);
            reject(err);
          },
        );
    });
  }

  /** Every handler ends within wall_ms in the host (state crossings within the smaller limit); then the grace. */
  #answerWithinMs(method: InvokeMethod, handlers: number): number {
    const { cpu_ms, wall_ms } = this.#limits;
    return (method === 'getState' || method === 'setState' ? Math.min(cpu_ms, wall_ms) : wall_ms * handlers) + this.#hangGraceMs;
  }

  /** Mirrors what the reply says about the isolate: its heap, and whether the handler disposed it (a crash). */
  #absorb(reply: HostReply): void {
    this.#heapBytes = reply.heap;
    if (!reply.disposed || this.#disposedBy !== null) return;
    // A cast batch that stopped at a crash replies ok, with the crash as its value's error.
    const failure = reply.ok ? (reply.value as Partial<CastBatchReply> | null)?.error : reply.error;
    this.#disposedBy = (failure !== undefined ? crashReasonOf(failure) : null) ?? 'throw';
    this.#crashListeners.length = 0;
    this.#proc.unregister(this.#id);
  }

  #rejectInFlight(errorFor: (method: InvokeMethod) => SoloError): void {
    const flights = [...this.#inFlight];
    this.#inFlight.clear();
    for (const f of flights) f.reject(errorFor(f.method));
  }

  #died(phase: string, death: ProcessDeath): SoloError {
    return sandboxDied({ tenant: this.#tenant, service: this.#service, phase }, death);
  }

  #error(phase: string, reason: CrashReason, error: string): SoloError {
    return serviceCrashed({ tenant: this.#tenant, service: this.#service, phase }, reason, error);
  }
}
