// The contract a service module implements, and the `ctx` it receives. Types only: service authors import
// them through `@solo/sdk`; the runtime lives in `@solo/actor-core`.

/** A JSON-compatible value: what messages, replies and state are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Options of `ctx.call`. */
export interface CallOptions {
  /** Deadline of the call. @default 5000 */
  timeoutMs?: number;
}

/** The only door from a service to the outside world. */
export interface ServiceContext {
  /** This actor's own address. */
  readonly self: { readonly tenant: string; readonly service: string };
  /**
   * Structured logs, readable with `solo logs <service>`. Never throws: lines beyond `limits.max_log_lines_per_second`
   * are dropped (and counted), and a line over 16 KiB (message and data as JSON) is cut.
   */
  readonly log: {
    debug(message: string, data?: Json): void;
    info(message: string, data?: Json): void;
    warn(message: string, data?: Json): void;
    error(message: string, data?: Json): void;
  };
  /** Request/reply to another service of the same tenant. Rejects with a Solo error shape `{ code, message }`. */
  call(target: string, message: Json, opts?: CallOptions): Promise<Json>;
  /** Fire-and-forget message to another service's durable mailbox. */
  cast(target: string, message: Json): Promise<void>;
  /**
   * Reads one of the tenant's secrets. Needs `secrets:read` in the capability the service was deployed with;
   * rejects with an Error whose `code` is `forbidden` or `not_found` otherwise. Never log the value.
   */
  secret(name: string): Promise<string>;
  /**
   * Delivers `message` to this actor's `handleInfo` after `ms`; returns a timer id. Volatile timers (the default)
   * die with the actor. A `durable` timer (a reminder) survives crashes and restarts of the node and fires exactly
   * once, late if the node was down; its handleInfo message is `{ timer_id, due_at, fired_at, message }`.
   * Throws `invalid_request` unless `ms` is from 0 to 31536000000 (365 days), and `limit_exceeded` beyond
   * `limits.max_timers`.
   */
  setTimer(ms: number, message: Json, opts?: { durable?: boolean }): string;
  /** Cancels a timer; false when it already fired or never existed. */
  cancelTimer(timerId: string): boolean;
  /**
   * Appends an application event (`service_emitted`) to the event log. Throws `invalid_request` for a type that
   * is not a string of 1 to 128 characters, and `limit_exceeded` when the type and payload as JSON are over
   * `limits.max_event_bytes` or the service is over `limits.max_events_per_second` (`details.retry_after_ms`).
   */
  emit(type: string, payload?: Json): void;
  /**
   * Watches another service of the same tenant: when its running incarnation stops or crashes, this actor's
   * `handleInfo` gets a {@link DownMessage} once (monitors are one-shot, as in OTP). A target that is deployed
   * but not running gets an immediate notice with reason `noproc`. Returns the monitor ref.
   * Throws `not_found` for an unknown target, `invalid_request` for itself.
   */
  monitor(target: string): string;
  /** Removes a monitor; false when it already fired or never existed. */
  demonitor(ref: string): boolean;
  /**
   * Links this actor with another running service of the same tenant, both ways: a crash of either crashes
   * the other, unless the other exports `trapExits: true`, which turns it into an {@link ExitMessage} for
   * `handleInfo`. Links end when either side's incarnation ends. Throws `not_found` for an unknown target,
   * `unavailable` when it is not running, `invalid_request` for itself.
   */
  link(target: string): void;
  /** Removes a link (either side may); a no-op when there is none. */
  unlink(target: string): void;
  /**
   * Ends this actor once the current handler returns, with exit reason `normal` (default) or `shutdown`:
   * `terminate` runs, then its supervisor applies the restart type (a `permanent` service starts again,
   * `transient` and `temporary` ones stay stopped).
   */
  exit(reason?: 'normal' | 'shutdown'): void;
}

/** Why a monitored or linked actor went down, as data. `noproc`: it was not running when monitored. */
export type DownReason = { kind: 'normal' } | { kind: 'shutdown' } | { kind: 'noproc' } | { kind: 'crash'; error: { code: string; message: string } };

/** What `handleInfo` receives when a monitored service goes down. */
export interface DownMessage {
  type: 'down';
  ref: string;
  target: string;
  reason: DownReason;
}

/** What `handleInfo` of a service exporting `trapExits: true` receives when a linked service exits. */
export interface ExitMessage {
  type: 'exit';
  from: string;
  reason: DownReason;
}

/** What `handleCall` returns: the reply and the next state. */
export interface CallResult<S extends Json = Json, R extends Json = Json> {
  reply: R;
  state: S;
}

/** A service module's default export. Every handler may be async. */
export interface ServiceDefinition<S extends Json = Json> {
  /** Free-form version label shown by `solo status`. */
  version?: string;
  /** Turns a linked service's crash into an {@link ExitMessage} for handleInfo instead of a crash. @default false */
  trapExits?: boolean;
  init?(args: Json, ctx: ServiceContext): S | Promise<S>;
  handleCall?(message: Json, state: S, ctx: ServiceContext): CallResult<S> | Promise<CallResult<S>>;
  handleCast?(message: Json, state: S, ctx: ServiceContext): S | Promise<S>;
  handleInfo?(message: Json, state: S, ctx: ServiceContext): S | Promise<S>;
  codeChange?(oldState: Json, fromVersion: string, ctx: ServiceContext): S | Promise<S>;
  terminate?(reason: Json, state: S, ctx: ServiceContext): void | Promise<void>;
}

/** The handler names a service may define; at least one message handler must exist. */
export const SERVICE_HANDLERS = ['init', 'handleCall', 'handleCast', 'handleInfo', 'codeChange', 'terminate'] as const;
