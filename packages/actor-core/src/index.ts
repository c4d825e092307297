// @solo/actor-core: the actor runtime — compile service source, run it in isolates, and drive actors.
export {
  /**
   * Compiles TypeScript/JavaScript service source into one self-contained ESM module (es2022) with esbuild.
   * Use it on deploy, before storing the artifact.
   * @throws `limit_exceeded` when the source is over MAX_SOURCE_BYTES (details `{ bytes, max }`);
   * `compile_error` when it does not parse (message has `file:line:column: text`, details
   * `{ line, column, errors: [{ line, column, message }] }`, 1-based); `rejected_code` when it imports anything
   * (static import, `export … from`, `require`, dynamic `import()`), with the same details shape.
   */
  compileService,
} from './esbuild/compile-service.ts';
export type {
  /** The result of {@link compileService}: `code` (ESM), `hash` (sha256 hex of code), `sourceBytes`. */
  CompiledService,
  /** Options of {@link compileService}: `filename` picks the loader (.js/.mjs/.cjs → js, else ts). */
  CompileServiceOptions,
} from './esbuild/compile-service.ts';

export type {
  /** The sandbox port: starts incarnations of services, in this process or elsewhere. */
  ActorSandbox,
  /** What a sandbox needs to start an incarnation: tenant, service, compiled code and resolved limits. */
  SpawnSpec,
  /** What `ctx` inside a service reaches; implemented by the kernel per actor. */
  ActorHost,
  /** Which handlers a module defines and its `version` label. */
  ServiceShape,
  /** One running incarnation; handler methods reject with `service_crashed` and dispose it on a crash. */
  SandboxedActor,
  /** The levels of `ctx.log`. */
  LogLevel,
} from './sandbox.ts';

export {
  /**
   * The in-process {@link ActorSandbox}: one isolated-vm isolate per incarnation, limited by `memory_mb`, with
   * handlers run under `cpu_ms` and `wall_ms`. Node must run with `--no-node-snapshot`.
   * `spawn` throws `rejected_code` (imports, no default export, no handlers) or `service_crashed` (top level
   * threw or exceeded a limit).
   */
  IsolateSandbox,
  /**
   * Validates {@link IsolateSandboxOptions}.
   * @throws `invalid_request` when `heapStatsMaxAgeMs` is negative or not a number.
   */
  resolveIsolateSandboxOptions,
} from './isolate/isolate-sandbox.ts';
export type {
  /**
   * Options of {@link IsolateSandbox}: `onCatastrophicError` (@default undefined) and `heapStatsMaxAgeMs`
   * (@default 1000).
   */
  IsolateSandboxOptions,
  /** {@link IsolateSandboxOptions} with defaults applied. */
  ResolvedIsolateSandboxOptions,
} from './isolate/isolate-sandbox.ts';

export {
  /**
   * The actor cell: FIFO mailbox, one message at a time, timers; outlives incarnations so queued messages
   * survive a crash. `call` rejects `timeout`/`service_crashed`/`unavailable`; `cast` is retried on the next
   * incarnation up to `maxCastAttempts`, then rejects `service_crashed` with `details.dead_letter`;
   * `setTimer` throws `limit_exceeded` beyond `maxTimers`. The owner drives incarnations with `attach`,
   * `pause`/`replaceIncarnation`/`resume` (hot swap), `detach` (a restart that keeps the mailbox), `kill`
   * (an exit signal from a link), `requestExit` (`ctx.exit`), `stop` and `close`.
   */
  Actor,
} from './actor.ts';
export {
  /**
   * Validates {@link ActorOptions} (the Actor constructor calls it).
   * @throws `invalid_request` when maxCastAttempts or maxTimers is not a positive integer.
   */
  resolveActorOptions,
  /**
   * Validates {@link ActorStopOptions} (`Actor.stop` calls it).
   * @throws `invalid_request` on a negative timeoutMs or an unknown reason.
   */
  resolveActorStopOptions,
} from './actor-options.ts';
export type {
  /** Options of {@link Actor}: `maxCastAttempts` (@default 3), `maxTimers` (@default 1000), `onExit`. */
  ActorOptions,
  /** {@link ActorOptions} with defaults applied. */
  ResolvedActorOptions,
  /** Options of `Actor.stop`: `force` (@default false), `timeoutMs` (@default 5000), `reason` (@default 'normal'). */
  ActorStopOptions,
  /** {@link ActorStopOptions} with defaults applied. */
  ResolvedActorStopOptions,
} from './actor-options.ts';

export {
  /**
   * Spawns an incarnation and runs its `init`; disposes it and rethrows when init crashes.
   * @throws `rejected_code` or `service_crashed` from spawn, `service_crashed` from init.
   */
  startIncarnation,
} from './start-incarnation.ts';

export {
  /** Every crash reason carried in `details.reason` of `service_crashed`. */
  CRASH_REASONS,
  /** The crash reason of a `service_crashed` error, or null for any other error. */
  crashReasonOf,
  /** The `service_crashed` error (reason `linked`) of an actor taken down by a linked service's crash. */
  linkedCrash,
} from './service-crash.ts';
export type {
  /** `throw` | `cpu_limit` | `wall_limit` | `memory_limit` | `bad_return` | `disposed` | `linked`. */
  CrashReason,
} from './service-crash.ts';
