// The sandbox port: how the actor cell and the kernel drive one incarnation of a service without assuming
// where its isolate lives (in this process today, in a sandbox host process later). Types only.
import type { Json, SandboxLimits, SoloError } from '@solo/protocol';

/** Log levels a service may write through `ctx.log`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a sandbox needs to start one incarnation of a service. */
export interface SpawnSpec {
  tenant: string;
  service: string;
  /** Compiled ESM code (the output of `compileService`). */
  code: string;
  /** What the sandbox enforces: heap, CPU and wall time per handler (the kernel enforces the other limits). */
  limits: SandboxLimits;
}

/**
 * What `ctx` inside the sandbox reaches; implemented by the kernel, one per actor. Every value is plain JSON.
 * Methods may throw (or reject with) a SoloError: the service sees an Error carrying the same `code`.
 */
export interface ActorHost {
  log(level: LogLevel, message: string, data: Json | undefined): void;
  /** Request/reply to another service; rejects with a SoloError. */
  call(target: string, message: Json, opts: { timeoutMs: number }): Promise<Json>;
  cast(target: string, message: Json): Promise<void>;
  emit(type: string, payload: Json | undefined): void;
  /**
   * Delivers `message` to this actor's `handleInfo` after `ms`. Volatile timers (the default) live in the actor
   * cell and die with it; `durable` ones are kept by the kernel across crashes and restarts of the node.
   */
  setTimer(ms: number, message: Json, opts: { durable: boolean }): string;
  cancelTimer(id: string): boolean;
  /** Watches `target` (same tenant); its exit is delivered to this actor's handleInfo once. Returns the ref. */
  monitor(target: string): string;
  /** Removes a monitor; false when it already fired or never existed. */
  demonitor(ref: string): boolean;
  /** Links this actor with `target` both ways: a crash of either crashes the other unless it traps exits. */
  link(target: string): void;
  unlink(target: string): void;
  /**
   * The value of one of the tenant's secrets (`ctx.secret`), when the service's capability allows
   * `secrets:read`; rejects with a SoloError (`forbidden`, `not_found`, `invalid_request`) otherwise.
   */
  secret(name: string): Promise<string>;
  /** The service asked to end after the current handler (`ctx.exit`). */
  exit(reason: 'normal' | 'shutdown'): void;
}

/** Which handlers a service module defines, and the `version` label it exports. */
export interface ServiceShape {
  handlers: {
    init: boolean;
    handleCall: boolean;
    handleCast: boolean;
    handleInfo: boolean;
    codeChange: boolean;
    terminate: boolean;
  };
  codeVersion: string | null;
  /** The module exports `trapExits: true`: a linked actor's crash arrives as a handleInfo message. */
  trapExits: boolean;
}

/**
 * One running incarnation of a service. Its state stays inside the sandbox; only JSON crosses.
 * Every handler method rejects with `service_crashed` when the handler throws, exceeds a limit or returns
 * something invalid, and the incarnation is then disposed. Methods must not overlap: one message at a time.
 */
export interface SandboxedActor {
  readonly shape: ServiceShape;
  init(args: Json): Promise<void>;
  /** Returns the reply; the new state stays inside. */
  handleCall(message: Json): Promise<Json>;
  handleCast(message: Json): Promise<void>;
  handleInfo(message: Json): Promise<void>;
  /** Migrates `oldState` from a previous code version into this incarnation (hot swap). */
  codeChange(oldState: Json, fromVersion: string): Promise<void>;
  terminate(reason: Json): Promise<void>;
  /** The state as of the last completed handler. */
  getState(): Promise<Json>;
  setState(state: Json): Promise<void>;
  /** Used heap of the sandbox, in bytes (may be slightly stale). */
  heapBytes(): number;
  dispose(): void;
  readonly disposed: boolean;
  /**
   * Optional, for sandboxes where an incarnation can die between handlers (a sandbox host process that died):
   * registers `listener`, called once with the `service_crashed` error (reason `sandbox_died`) when that
   * happens; a listener registered after the death is called on a microtask. A handler in flight also rejects
   * with such an error. Never called after dispose(). The in-process sandbox leaves it out.
   */
  onCrash?(listener: (error: SoloError) => void): void;
  /**
   * Optional, for sandboxes where each handler costs a round trip (a sandbox host process): handles `messages`
   * with handleCast one after another in one trip, stopping at the first that fails. `handled` counts those that
   * completed; `error` is the failure of message number `handled` (the incarnation is then disposed, as after
   * handleCast), and the messages after it were not started. Rejects, as handleCast does, when none could run.
   */
  handleCasts?(messages: Json[]): Promise<CastBatchOutcome>;
}

/** What {@link SandboxedActor.handleCasts} did. */
export interface CastBatchOutcome {
  handled: number;
  error?: SoloError;
}

/** Starts incarnations of services. */
export interface ActorSandbox {
  /** Releases what the sandbox holds beyond its actors (warm isolates, host processes). Idempotent. */
  close?(): void;
  spawn(spec: SpawnSpec, host: ActorHost): Promise<SandboxedActor>;
}
