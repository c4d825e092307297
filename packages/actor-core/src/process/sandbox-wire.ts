// The messages between ProcessSandbox (in the kernel's process) and a sandbox host process. Requests travel on
// Node's IPC channel; replies, heap reports and the ctx callbacks of the actors travel back on the host-call
// channel (host-call-frames.ts), which the sandbox host writes, and reads synchronously when a ctx callback must
// return a value inside the isolate's crossing. Types only.
import type { Json, WireError } from '@solo/protocol';
import type { IsolateSandboxOptions } from '../isolate/isolate-sandbox.ts';
import type { ServiceShape, SpawnSpec } from '../sandbox.ts';

/** The file descriptor of the host-call channel in the sandbox host process (after stdin/out/err and IPC). */
export const HOST_CALL_FD = 4;

/** The SandboxedActor methods the kernel's process invokes in a sandbox host process. */
export type InvokeMethod = 'init' | 'handleCall' | 'handleCast' | 'handleCasts' | 'handleInfo' | 'codeChange' | 'terminate' | 'getState' | 'setState';

/** The value of a `handleCasts` reply: how many casts completed, and the failure of the next one if any. */
export interface CastBatchReply {
  handled: number;
  error?: WireError;
}

/** Kernel → sandbox host, on IPC. `spawn` and `invoke` are answered by a `reply` with the same id. */
export type HostRequest =
  | { t: 'spawn'; id: number; actor: number; spec: SpawnSpec }
  | { t: 'invoke'; id: number; actor: number; method: InvokeMethod; args: Json[] }
  | { t: 'dispose'; actor: number }
  /** Raise the process's own soft RLIMIT_DATA to `bytes` (answered by a `reply`; see data-limit.ts). */
  | { t: 'data-limit'; id: number; bytes: number }
  /** The outcome of a host call that returned a promise (`{ k: 'p', call }` on the host-call channel). */
  | { t: 'settle'; call: number; ok: true; value: unknown }
  | { t: 'settle'; call: number; ok: false; error: WireError };

/** What a reply reports about the actor besides the outcome: its heap and whether the call disposed it. */
interface ReplyFacts {
  id: number;
  heap: number;
  disposed: boolean;
}

/**
 * Sandbox host → kernel. `ready` travels on IPC; everything after it on the host-call channel, in the same byte
 * stream as the host calls, so a handler's last ctx.log is always read before its reply or its crash.
 */
export type HostMessage =
  | { t: 'ready' }
  | ({ t: 'reply'; ok: true; value: unknown } & ReplyFacts)
  | ({ t: 'reply'; ok: false; error: WireError } & ReplyFacts)
  /** Heap sizes (actor id, used bytes) that changed since the last report, sent periodically. */
  | { t: 'heap'; actors: Array<[number, number]> };

/** The value a `spawn` reply carries. */
export interface SpawnedReply {
  shape: ServiceShape;
}

/**
 * A ctx callback of one actor (an ActorHost method and its arguments), sandbox host → kernel. Without `post` the
 * sandbox host blocks for its {@link HostCallResult}. With `post` nothing is answered on the channel: the call
 * returns nothing the handler waits for (ctx.log), or (`settle` set) a promise whose outcome comes back as a
 * `settle` request with that id (ctx.call, ctx.cast, ctx.secret). Posts cost the handler no round trip.
 */
export interface HostCall {
  t: 'call';
  actor: number;
  method: string;
  args: unknown[];
  post?: true;
  settle?: number;
}

/** What the sandbox host writes on the host-call channel. */
export type HostFrame = HostCall | Exclude<HostMessage, { t: 'ready' }>;

/** ActorHost methods posted rather than exchanged: their result is nothing, or a promise. */
export const POSTED_METHODS: ReadonlySet<string> = new Set(['log']);
export const SETTLED_METHODS: ReadonlySet<string> = new Set(['call', 'cast', 'secret']);

/** The answer to a {@link HostCall}: a value, an error, or a promise whose outcome follows as a `settle`. */
export type HostCallResult = { k: 'v'; value: unknown } | { k: 'e'; error: WireError } | { k: 'p'; call: number };

/** What a sandbox host process is started with (its only argv argument, as JSON). */
export interface SandboxHostConfig {
  /** Options of the IsolateSandbox it runs (no onCatastrophicError: isolated-vm then aborts the process, see sandbox-host-main.ts). */
  isolate: Omit<IsolateSandboxOptions, 'onCatastrophicError'>;
  /** How often changed heap sizes are reported; 0 turns the reports off (replies still carry them). */
  heapReportMs: number;
  /** The prlimit program, with which the process raises its own data limit; null without one. */
  prlimit: string | null;
}
