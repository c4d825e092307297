// One incarnation of a service inside its own isolate: runs handlers with a synchronous crossing when they
// return synchronously, and completes them asynchronously (under CPU and wall limits) when they return promises.
import type ivm from 'isolated-vm';
import { SoloError, type Json, type SandboxLimits } from '@solo/protocol';
import type { SandboxedActor, ServiceShape } from '../sandbox.ts';
import { serviceCrashed, type CrashReason } from '../service-crash.ts';
import type { BridgeSink, HostBridge } from './host-bridge.ts';
import { classifyIsolateFailure, limitText } from './isolate-failure.ts';
import type { IsolateRuntime } from './isolate-runtime.ts';

type HandlerKind = 'init' | 'handleCall' | 'handleCast' | 'handleInfo' | 'codeChange' | 'terminate';
type Outcome = { ok: true; payload: string } | { ok: false; error: SoloError };

/** A handler that returned a promise and has not settled yet. */
interface Pending {
  kind: HandlerKind;
  epoch: number;
  resolve(payload: string): void;
  reject(error: SoloError): void;
  /** Time the synchronous part took; counted against the CPU budget. */
  syncMs: number;
  /** The isolate's CPU clock when the synchronous part ended. */
  cpuAt: bigint;
  wallTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Everything an {@link IsolateActor} is made of; assembled by IsolateSandbox.spawn. */
export interface IsolateActorParts {
  isolate: ivm.Isolate;
  runtime: IsolateRuntime;
  bridge: HostBridge;
  shape: ServiceShape;
  limits: SandboxLimits;
  tenant: string;
  service: string;
  heapStatsMaxAgeMs: number;
}

const toJson = (value: Json): string => JSON.stringify(value ?? null);

/** A {@link SandboxedActor} backed by an isolated-vm isolate in this process. */
export class IsolateActor implements SandboxedActor, BridgeSink {
  readonly shape: ServiceShape;
  readonly #isolate: ivm.Isolate;
  readonly #rt: IsolateRuntime;
  readonly #limits: SandboxLimits;
  readonly #tenant: string;
  readonly #service: string;
  readonly #syncTimeoutMs: number;
  readonly #syncTimeoutReason: 'cpu_limit' | 'wall_limit';
  readonly #heapMaxAgeMs: number;
  #epoch = 0;
  #pending: Pending | null = null;
  /** The settled result the isolate reported during the current crossing, consumed once the crossing ends. */
  #settled: string | undefined;
  #disposedBy: CrashReason | null = null;
  #heapBytes = 0;
  #heapAtMs = Number.NEGATIVE_INFINITY;

  constructor(parts: IsolateActorParts) {
    this.shape = parts.shape;
    this.#isolate = parts.isolate;
    this.#rt = parts.runtime;
    this.#limits = parts.limits;
    this.#tenant = parts.tenant;
    this.#service = parts.service;
    // A synchronous crossing blocks this thread, so no host timer can enforce the wall limit during it.
    this.#syncTimeoutMs = Math.min(parts.limits.cpu_ms, parts.limits.wall_ms);
    this.#syncTimeoutReason = parts.limits.cpu_ms <= parts.limits.wall_ms ? 'cpu_limit' : 'wall_limit';
    this.#heapMaxAgeMs = parts.heapStatsMaxAgeMs;
    parts.bridge.attach(this);
    // First sample now, while nothing runs in the isolate: heapBytes() never samples during a pending handler.
    this.heapBytes();
  }

  get disposed(): boolean {
    return this.#disposedBy !== null;
  }

  async init(args: Json): Promise<void> {
    if (this.shape.handlers.init) await this.#run('init', toJson(args));
  }

  async handleCall(message: Json): Promise<Json> {
    if (!this.shape.handlers.handleCall) throw this.#unsupported('calls', 'handleCall', 'Send it a cast instead.');
    const payload = await this.#run('handleCall', toJson(message));
    return JSON.parse(payload) as Json;
  }

  async handleCast(message: Json): Promise<void> {
    if (!this.shape.handlers.handleCast) throw this.#unsupported('casts', 'handleCast', 'Send it a call instead.');
    await this.#run('handleCast', toJson(message));
  }

  async handleInfo(message: Json): Promise<void> {
    // A module without handleInfo ignores timer and monitor messages, like a gen_server that never asked for them.
    if (this.shape.handlers.handleInfo) await this.#run('handleInfo', toJson(message));
  }

  async codeChange(oldState: Json, fromVersion: string): Promise<void> {
    if (!this.shape.handlers.codeChange) return this.setState(oldState);
    await this.#run('codeChange', toJson(oldState), fromVersion);
  }

  async terminate(reason: Json): Promise<void> {
    if (this.shape.handlers.terminate) await this.#run('terminate', toJson(reason));
  }

  async getState(): Promise<Json> {
    const json = await this.#cross('getState', () =>
      this.#pending === null ? this.#rt.getState.applySync(undefined, [], { timeout: this.#syncTimeoutMs }) : this.#rt.getState.apply(undefined, [], { timeout: this.#syncTimeoutMs }),
    );
    return JSON.parse(json) as Json;
  }

  async setState(state: Json): Promise<void> {
    const json = toJson(state);
    await this.#cross('setState', () =>
      this.#pending === null ? this.#rt.setState.applySync(undefined, [json], { timeout: this.#syncTimeoutMs }) : this.#rt.setState.apply(undefined, [json], { timeout: this.#syncTimeoutMs }),
    );
  }

  heapBytes(): number {
    if (this.#disposedBy !== null || this.#isolate.isDisposed) return 0;
    const now = performance.now();
    // Only between handlers: a synchronous stats call would wait for an isolate busy on another thread.
    if (this.#pending === null && now - this.#heapAtMs >= this.#heapMaxAgeMs) {
      this.#heapBytes = this.#isolate.getHeapStatisticsSync().used_heap_size;
      this.#heapAtMs = now;
    }
    return this.#heapBytes;
  }

  dispose(): void {
    if (this.#disposedBy !== null) return;
    this.#disposedBy = 'disposed';
    this.#teardown();
    const p = this.#pending;
    if (p !== null) this.#finish(p, { ok: false, error: this.#error(p.kind, 'disposed', limitText('disposed', this.#limits)) });
  }

  // BridgeSink ---------------------------------------------------------------------------------------------

  currentEpoch(): number {
    return this.#epoch;
  }

  settle(epoch: number, tagged: string): void {
    if (epoch === this.#epoch) this.#settled = tagged;
  }

  deliver(epoch: number, token: number, tagged: string): void {
    const p = this.#pending;
    // A result for a handler that already settled is dropped: its continuation would run with no limit watching.
    if (p === null || p.epoch !== epoch || this.#disposedBy !== null) return;
    const leftMs = this.#limits.cpu_ms - p.syncMs - Number(this.#isolate.cpuTime - p.cpuAt) / 1e6;
    if (leftMs <= 0) {
      this.#finish(p, { ok: false, error: this.#crash(p.kind, 'cpu_limit', limitText('cpu_limit', this.#limits)) });
      return;
    }
    // A synchronous crossing: the isolate is idle while its handler awaits the host, and a thread-pool hop
    // (async apply) would add ~60 µs to every ctx.call. The timeout is what is left of the CPU budget.
    try {
      this.#rt.deliver.applySync(undefined, [token, tagged], { timeout: Math.max(1, Math.ceil(leftMs)) });
    } catch (err) {
      if (this.#pending === p) this.#finish(p, { ok: false, error: this.#crashFrom(p.kind, err, 'cpu_limit') });
      return;
    }
    this.#afterCrossing();
  }

  // internals ----------------------------------------------------------------------------------------------

  #run(kind: HandlerKind, a: string, b?: string): Promise<string> {
    if (this.#disposedBy !== null) return Promise.reject(this.#error(kind, 'disposed', limitText('disposed', this.#limits)));
    if (this.#pending !== null) {
      return Promise.reject(new SoloError('internal', `${kind} was started while another handler of '${this.#service}' was still running.`));
    }
    const epoch = ++this.#epoch;
    this.#settled = undefined;
    const startedMs = performance.now();
    let tagged: string;
    try {
      tagged = this.#rt.dispatch.applySync(undefined, [kind, a, b, epoch], { timeout: this.#syncTimeoutMs });
    } catch (err) {
      return Promise.reject(this.#crashFrom(kind, err, this.#syncTimeoutReason));
    }
    if (tagged === 'p') {
      // An async handler that awaited nothing external has already settled in this crossing's microtasks.
      if (this.#settled === undefined) return this.#await(kind, epoch, startedMs);
      tagged = this.#settled;
      this.#settled = undefined;
    }
    const outcome = this.#decode(kind, tagged);
    return outcome.ok ? Promise.resolve(outcome.payload) : Promise.reject(outcome.error);
  }

  #await(kind: HandlerKind, epoch: number, startedMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const syncMs = performance.now() - startedMs;
      const p: Pending = { kind, epoch, resolve, reject, syncMs, cpuAt: this.#isolate.cpuTime, wallTimer: undefined };
      // The wall limit is enforced from outside: the isolate cannot time itself while it waits on the host.
      p.wallTimer = setTimeout(() => {
        if (this.#pending === p) this.#finish(p, { ok: false, error: this.#crash(kind, 'wall_limit', limitText('wall_limit', this.#limits)) });
      }, Math.max(0, this.#limits.wall_ms - syncMs));
      this.#pending = p;
    });
  }

  #afterCrossing(): void {
    const p = this.#pending;
    const tagged = this.#settled;
    if (p === null || tagged === undefined) return;
    this.#settled = undefined;
    this.#finish(p, this.#decode(p.kind, tagged));
  }

  #finish(p: Pending, outcome: Outcome): void {
    if (this.#pending === p) this.#pending = null;
    clearTimeout(p.wallTimer);
    if (outcome.ok) p.resolve(outcome.payload);
    else p.reject(outcome.error);
  }

  #decode(kind: HandlerKind, tagged: unknown): Outcome {
    if (typeof tagged !== 'string' || tagged.length === 0) return { ok: false, error: this.#crash(kind, 'throw', 'the sandbox runtime returned no result') };
    switch (tagged[0]) {
      case 'o':
        return { ok: true, payload: tagged.slice(1) };
      case 'b':
        return { ok: false, error: this.#crash(kind, 'bad_return', tagged.slice(1)) };
      case 't':
        return { ok: false, error: this.#crash(kind, 'throw', tagged.slice(1)) };
      default:
        return { ok: false, error: this.#crash(kind, 'throw', 'the sandbox runtime returned an unknown result') };
    }
  }

  async #cross<T>(what: string, run: () => T | Promise<T>): Promise<T> {
    if (this.#disposedBy !== null) throw this.#error(what, 'disposed', limitText('disposed', this.#limits));
    try {
      return await run();
    } catch (err) {
      throw this.#crashFrom(what, err, this.#syncTimeoutReason);
    } finally {
      this.#afterCrossing();
    }
  }

  #crashFrom(phase: string, err: unknown, timeoutReason: 'cpu_limit' | 'wall_limit'): SoloError {
    const failure = classifyIsolateFailure(err, { limits: this.#limits, timeoutReason, disposedBy: this.#disposedBy });
    return this.#crash(phase, failure.reason, failure.error);
  }

  /** Disposes the isolate (every crash does) and builds the `service_crashed` error. */
  #crash(phase: string, reason: CrashReason, error: string): SoloError {
    if (this.#disposedBy === null) {
      this.#disposedBy = reason;
      this.#teardown();
    }
    return this.#error(phase, reason, error);
  }

  #error(phase: string, reason: CrashReason, error: string): SoloError {
    return serviceCrashed({ tenant: this.#tenant, service: this.#service, phase }, reason, error);
  }

  #unsupported(what: string, handler: string, advice: string): SoloError {
    return new SoloError('invalid_request', `Service '${this.#service}' of tenant '${this.#tenant}' does not handle ${what}: its module has no ${handler}. ${advice}`);
  }

  #teardown(): void {
    const p = this.#pending;
    if (p !== null) clearTimeout(p.wallTimer);
    if (!this.#isolate.isDisposed) this.#isolate.dispose();
  }
}
