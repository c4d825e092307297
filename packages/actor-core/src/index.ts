// @solo/actor-core: the actor runtime — compile service source, run it in isolates, and drive actors.
export {
  /**
   * Compiles TypeScript/JavaScript service source into one self-contained ESM module (es2022) with esbuild.
   * Use it on deploy, before storing the artifact.
   * @throws `limit_exceeded` when the source is over MAX_SOURCE_BYTES (details `{ bytes, max }`);
   * `compile_error` when it does not parse (message has `file:line:column: text`, details
   * `{ line, column, errors: [{ line, column, message }] }`, 1-based); `rejected_code` when it imports anything
   * (static import, `export … from`, `require`, dynamic `import()`), with the same details shape, or when
   * {@link analyzeService} has an error finding (message lists the first ones as
   * `file:line:col rule: message (hint)`, details add `findings`; a source over 256 KiB is `max-source-size`).
   */
  compileService,
} from './esbuild/compile-service.ts';
export type {
  /**
   * The result of {@link compileService}: `code` (ESM), `hash` (sha256 hex of code), `sourceBytes`, and
   * `warnings` (the analysis' warning findings).
   */
  CompiledService,
  /** Options of {@link compileService}: `filename` picks the loader (.js/.mjs/.cjs → js, else ts). */
  CompileServiceOptions,
} from './esbuild/compile-service.ts';

export {
  /**
   * Static analysis of service source, without running it (what the `validate` verb answers and what deploy
   * enforces): rules `no-eval`, `no-function-constructor`, `no-import`, `no-wasm`, `no-host-globals`,
   * `no-proto-mutation`, `max-source-size`, `max-nesting`, `parse-error` (ids in ANALYSIS_RULES of
   * @solo/protocol). `ok` is false when any finding is an error. Never throws on any source.
   * @throws `invalid_request` on bad options.
   */
  analyzeService,
  /**
   * Validates {@link AnalyzeServiceOptions}.
   * @throws `invalid_request` when filename is empty, maxSourceBytes is not a positive integer, or maxDepth is
   * not an integer from 16 to 1000.
   */
  resolveAnalyzeServiceOptions,
  /** Default `maxSourceBytes` of {@link analyzeService}: 256 KiB. */
  DEFAULT_ANALYSIS_MAX_SOURCE_BYTES,
  /** Default `maxDepth` of {@link analyzeService}: 200 syntax-tree levels. */
  DEFAULT_ANALYSIS_MAX_DEPTH,
} from './analysis/analyze-service.ts';
export type {
  /** `{ ok, findings, duration_ms }`: the result of {@link analyzeService}. */
  AnalysisReport,
  /** One finding `{ rule, severity, message, line, column, hint }` (1-based line/column); = AnalysisFinding. */
  Finding,
  /**
   * Options of {@link analyzeService}: `filename` (required; its extension picks TypeScript or JavaScript),
   * `maxSourceBytes` (@default 262144), `maxDepth` (@default 200, at most 1000).
   */
  AnalyzeServiceOptions,
  /** {@link AnalyzeServiceOptions} with defaults applied. */
  ResolvedAnalyzeServiceOptions,
} from './analysis/analyze-service.ts';

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
  /** What a batch of casts handed over in one trip did (`SandboxedActor.handleCasts`). */
  CastBatchOutcome,
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
   * The out-of-process {@link ActorSandbox}: runs IsolateSandbox in sandbox host processes (one per tenant up to
   * `maxProcesses`, then shared round-robin), each with its own V8 heap cap and data limit, dying with the node.
   * A process that dies takes only its own actors down: their calls reject with `service_crashed` (reason
   * `sandbox_died`) and idle ones report it through `SandboxedActor.onCrash`. `spawn` throws `unavailable`
   * after `close()` or when a host process cannot start, else what IsolateSandbox throws.
   */
  ProcessSandbox,
} from './process/process-sandbox.ts';
export type {
  /** A sandbox host process as `ProcessSandbox.hostProcesses()` reports it: pid, tenants, actors, spare. */
  HostProcessInfo,
} from './process/process-sandbox.ts';
export {
  /**
   * Validates {@link ProcessSandboxOptions} (the ProcessSandbox constructor calls it).
   * @throws `invalid_request` on an out-of-range number, an unknown serialization or bad isolate options.
   */
  resolveProcessSandboxOptions,
} from './process/process-sandbox-options.ts';
export type {
  /**
   * Options of {@link ProcessSandbox}: `maxProcesses` (@default 16), `maxOldSpaceMb` (@default 256),
   * `dataLimitMb` (@default 2048), `spareProcesses` (@default 1), `idleProcessMs` (@default 60000),
   * `startTimeoutMs` (@default 15000), `heapReportMs` (@default 1000), `serialization` (@default 'json'),
   * `execPath` (@default process.execPath), `loader` (@default tsx), `isolate` (@default {}), `onProcessExit`.
   */
  ProcessSandboxOptions,
  /** {@link ProcessSandboxOptions} with defaults applied. */
  ResolvedProcessSandboxOptions,
} from './process/process-sandbox-options.ts';
export type {
  /** How a sandbox host process ended: pid, exit code or signal, out of memory, expected (closed by Solo). */
  ProcessDeath,
} from './process/process-death.ts';

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
  /** `throw` | `cpu_limit` | `wall_limit` | `memory_limit` | `bad_return` | `disposed` | `linked` | `sandbox_died`. */
  CrashReason,
} from './service-crash.ts';
