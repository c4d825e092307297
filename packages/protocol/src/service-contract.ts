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
  /** Structured logs, readable with `solo logs <service>`. */
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
   * Delivers `message` to this actor's `handleInfo` after `ms`; returns a timer id. Volatile timers (the default)
   * die with the actor. A `durable` timer (a reminder) survives crashes and restarts of the node and fires exactly
   * once, late if the node was down; its handleInfo message is `{ timer_id, due_at, fired_at, message }`.
   */
  setTimer(ms: number, message: Json, opts?: { durable?: boolean }): string;
  /** Cancels a timer; false when it already fired or never existed. */
  cancelTimer(timerId: string): boolean;
  /** Appends an application event (`service_emitted`) to the event log. */
  emit(type: string, payload?: Json): void;
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
  init?(args: Json, ctx: ServiceContext): S | Promise<S>;
  handleCall?(message: Json, state: S, ctx: ServiceContext): CallResult<S> | Promise<CallResult<S>>;
  handleCast?(message: Json, state: S, ctx: ServiceContext): S | Promise<S>;
  handleInfo?(message: Json, state: S, ctx: ServiceContext): S | Promise<S>;
  codeChange?(oldState: Json, fromVersion: string, ctx: ServiceContext): S | Promise<S>;
  terminate?(reason: Json, state: S, ctx: ServiceContext): void | Promise<void>;
}

/** The handler names a service may define; at least one message handler must exist. */
export const SERVICE_HANDLERS = ['init', 'handleCall', 'handleCast', 'handleInfo', 'codeChange', 'terminate'] as const;
