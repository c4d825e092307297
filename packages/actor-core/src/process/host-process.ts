// One sandbox host process as seen from the kernel's process: matches requests and replies by id,
// answers the ctx callbacks of its actors on the host-call channel, and reports its death to everything that
// depended on it (pending requests, actors, the sandbox).
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { SoloError, fromWireError, toWireError } from '@solo/protocol';
import type { ActorHost } from '../sandbox.ts';
import { DataLimit } from './data-limit.ts';
import { FrameDecoder, encodeFrame } from './host-call-frames.ts';
import { looksOutOfMemory, showsFatalOutOfMemory, type ProcessDeath } from './process-death.ts';
import type {
  HostCall,
  HostCallResult,
  HostFrame,
  HostMessage,
  HostRequest,
  SandboxHostConfig,
} from './sandbox-wire.ts';

/** An actor living in a host process, as the process needs it. */
export interface HostedActor {
  /** Where its ctx callbacks go. */
  readonly host: ActorHost;
  heapReported(bytes: number): void;
  /** Runs one of its ctx callbacks in the async context of the handler invocation that made it. */
  runInScope<T>(fn: () => T): T;
  /** Its process died (or was ended by the sandbox: `death.expected`). */
  processDied(death: ProcessDeath): void;
}

/** A reply to a spawn or invoke request. */
export type HostReply = Extract<HostMessage, { t: 'reply' }>;

/** How to start a host process. */
export interface HostProcessLaunch {
  /** The program fork runs (node, or a wrapper such as setpriv that execs node). */
  command: string;
  /** Arguments before the entry module (wrapper arguments, node flags). */
  args: string[];
  /** The entry module (sandbox-host-main.ts). */
  entry: string;
  config: SandboxHostConfig;
  serialization: 'json' | 'advanced';
  startTimeoutMs: number;
  /** Its base data limit (see data-limit.ts); null without one. */
  dataLimit: { prlimit: string; baseMb: number } | null;
  /** Called once when the process has ended, after its requests and actors were told. */
  onExit(proc: HostProcess, death: ProcessDeath): void;
  /** Called when its last actor left (and no request is pending). */
  onIdle(proc: HostProcess): void;
}

interface Pending {
  resolve(reply: HostReply): void;
  reject(error: SoloError): void;
  onDeath(death: ProcessDeath): SoloError;
}

/**
 * How long a host process may take to end after V8 printed its fatal out-of-memory banner. It normally aborts
 * within milliseconds; one stuck in V8's or isolated-vm's out-of-memory handling is killed then, rather than after
 * the hang grace, so that its actors crash (and restart) promptly.
 */
const FATAL_OOM_GRACE_MS = 500;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** What a {@link HostProcess} is made of, once its process reported ready. */
export interface HostProcessParts {
  child: ChildProcess;
  pid: number;
  launch: HostProcessLaunch;
  startMs: number;
  /** The last characters the process wrote to stderr. */
  stderrTail(): string;
}

/** A started sandbox host process; created by startHostProcess (start-host-process.ts). */
export class HostProcess {
  readonly pid: number;
  /** Milliseconds from fork to the process reporting ready. */
  readonly startMs: number;
  readonly #child: ChildProcess;
  readonly #launch: HostProcessLaunch;
  readonly #pending = new Map<number, Pending>();
  readonly #actors = new Map<number, HostedActor>();
  /** memory_mb of each registered actor, reserved against the data limit. */
  readonly #actorMb = new Map<number, number>();
  readonly #data: DataLimit | null;
  #nextId = 0;
  #nextCall = 0;
  #death: ProcessDeath | null = null;
  #ending = false;
  #unresponsive = false;
  /** V8 printed its fatal out-of-memory banner: the process is as good as dead. */
  #dying = false;

  constructor(parts: HostProcessParts) {
    const { child, stderrTail } = parts;
    this.#child = child;
    this.pid = parts.pid;
    this.#launch = parts.launch;
    this.startMs = parts.startMs;
    const d = parts.launch.dataLimit;
    this.#data =
      d === null
        ? null
        : new DataLimit({
            baseMb: d.baseMb,
            raise: async (bytes) => {
              const reply = await this.request((id) => ({ t: 'data-limit', id, bytes }), () => new SoloError('unavailable', `Sandbox host process ${this.pid} died while its memory limit was being raised; the spawn is retried in a fresh process.`), 10_000);
              if (!reply.ok) throw fromWireError(reply.error);
            },
          });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => this.#died(code, signal, stderrTail()));
    child.stderr?.on('data', () => {
      if (!this.#dying && showsFatalOutOfMemory(stderrTail())) this.#fatalOutOfMemory();
    });
    const channel = child.stdio[4] as Socket;
    const frames = new FrameDecoder();
    channel.on('data', (chunk: Buffer) => {
      let decoded: HostFrame[];
      try {
        decoded = frames.push(chunk) as HostFrame[];
      } catch {
        // An oversized or garbled frame: the process is not fit to serve; its actors crash and restart elsewhere.
        channel.destroy();
        this.killUnresponsive();
        return;
      }
      for (const frame of decoded) {
        if (frame.t !== 'call') this.#receive(frame);
        else if (frame.post === true) this.#handlePost(frame);
        else channel.write(this.#answerFrame(frame));
      }
    });
    // The channel breaks when the process dies; the 'close' of the process reports that.
    channel.on('error', () => undefined);
  }

  /** False once the process has ended, is being ended or killed, or is dying of a fatal out-of-memory. */
  get alive(): boolean {
    return this.#death === null && !this.#ending && !this.#unresponsive && !this.#dying;
  }

  /** Actors registered and requests pending: while above 0 the process is in use. */
  get load(): number {
    return this.#actors.size + this.#pending.size;
  }

  get actorCount(): number {
    return this.#actors.size;
  }

  /** A new actor id, unique in this process. */
  nextActorId(): number {
    return ++this.#nextId;
  }

  /** Routes the ctx callbacks, heap reports and the death of actor `id` to `actor`. */
  register(id: number, actor: HostedActor, memoryMb: number): void {
    // The process may have died between the reply that created the actor and its registration.
    if (this.#death !== null) actor.processDied(this.#death);
    else {
      this.#actors.set(id, actor);
      this.#actorMb.set(id, memoryMb);
    }
  }

  /**
   * Makes room in the process's data limit for an actor of `memoryMb` about to be spawned; undo with
   * {@link releaseData} if the spawn fails (a registered actor gives it back when it is unregistered).
   * @throws `unavailable` when the limit cannot be raised.
   */
  reserveData(memoryMb: number): Promise<void> {
    return this.#data?.reserve(memoryMb) ?? Promise.resolve();
  }

  releaseData(memoryMb: number): void {
    this.#data?.release(memoryMb);
  }

  /** Forgets an actor (disposed); tells the sandbox once the process is idle. */
  unregister(id: number): void {
    if (!this.#actors.delete(id)) return;
    this.releaseData(this.#actorMb.get(id) ?? 0);
    this.#actorMb.delete(id);
    if (this.load === 0 && this.alive) this.#launch.onIdle(this);
  }

  /**
   * Sends a request built with a fresh id and resolves with its reply. When the process dies first it rejects
   * with `onDeath(death)`; when no reply came within `answerWithinMs` the process is killed as unresponsive.
   */
  request(
    build: (id: number) => HostRequest,
    onDeath: (death: ProcessDeath) => SoloError,
    answerWithinMs: number,
  ): Promise<HostReply> {
    if (this.#death !== null) return Promise.reject(onDeath(this.#death));
    const id = ++this.#nextId;
    return new Promise<HostReply>((resolve, reject) => {
      const watchdog = setTimeout(() => this.killUnresponsive(), answerWithinMs);
      watchdog.unref();
      this.#pending.set(id, {
        resolve: (reply) => {
          clearTimeout(watchdog);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(watchdog);
          reject(error);
        },
        onDeath,
      });
      this.post(build(id));
    });
  }

  /** Sends a message that needs no reply; dropped when the process is gone. */
  post(message: HostRequest): void {
    if (this.#death !== null || !this.#child.connected) return;
    // An asynchronous send failure means the process is going away: its 'close' settles what is pending.
    this.#child.send(message, (err) => void err);
  }

  /**
   * Ends the process at once (SIGKILL: an isolate holds nothing that needs a graceful stop). Its pending
   * requests and actors are settled now, as an expected death, rather than when the exit is observed.
   */
  kill(): void {
    if (this.#death !== null) return;
    this.#ending = true;
    this.#child.kill('SIGKILL');
    this.#died(null, 'SIGKILL', '');
  }

  /**
   * Kills a process that stopped answering (a request outlived every limit that bounds it): its actors crash
   * with `sandbox_died`, as on any other death, rather than wait forever.
   */
  killUnresponsive(): void {
    if (this.#death !== null || this.#ending) return;
    this.#unresponsive = true;
    this.#child.kill('SIGKILL');
  }

  // V8 gave up on a heap: the process aborts by itself (isolated-vm's handler) unless it is stuck doing so.
  #fatalOutOfMemory(): void {
    this.#dying = true;
    setTimeout(() => {
      if (this.#death !== null || this.#ending) return;
      this.#child.kill('SIGKILL');
    }, FATAL_OOM_GRACE_MS).unref();
  }

  #receive(m: HostMessage): void {
    if (m.t === 'reply') {
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      this.#pending.delete(m.id);
      p.resolve(m);
      if (this.load === 0 && this.alive) this.#launch.onIdle(this);
    } else if (m.t === 'heap') {
      for (const [actor, bytes] of m.actors) this.#actors.get(actor)?.heapReported(bytes);
    }
  }

  // The host-call channel must always answer: the sandbox host blocks until it does.
  #answerFrame(frame: unknown): Buffer {
    try {
      return encodeFrame(this.#answer(frame as HostCall));
    } catch (err) {
      return encodeFrame({ k: 'e', error: toWireError(err) } satisfies HostCallResult);
    }
  }

  // A post is never answered on the channel; one with `settle` gets its outcome as a `settle` request.
  #handlePost(call: HostCall): void {
    const settle = call.settle;
    let result: HostCallResult;
    try {
      result = this.#answer(call, settle);
    } catch (err) {
      result = { k: 'e', error: toWireError(err) };
    }
    if (settle === undefined || result.k === 'p') return;
    if (result.k === 'v') this.post({ t: 'settle', call: settle, ok: true, value: result.value });
    else this.post({ t: 'settle', call: settle, ok: false, error: result.error });
  }

  #answer(call: HostCall, settleAs?: number): HostCallResult {
    const actor = this.#actors.get(call.actor);
    if (actor === undefined) {
      return {
        k: 'e',
        error: toWireError(new SoloError('unavailable', 'The actor was disposed; its ctx no longer reaches the node.')),
      };
    }
    const name = call.method;
    // Any ActorHost method is forwarded (nothing to change here when one is added), but nothing inherited.
    const fn =
      typeof name === 'string' && !(name in Object.prototype)
        ? (actor.host as unknown as Record<string, unknown>)[name]
        : undefined;
    if (typeof fn !== 'function') {
      return {
        k: 'e',
        error: toWireError(new SoloError('internal', `ctx has no method '${String(name)}' on this node.`)),
      };
    }
    let out: unknown;
    try {
      const args: unknown[] = Array.isArray(call.args) ? call.args : [];
      out = actor.runInScope(() => Reflect.apply(fn, actor.host, args));
    } catch (err) {
      return { k: 'e', error: toWireError(err) };
    }
    if (!isThenable(out)) return { k: 'v', value: out };
    const id = settleAs ?? ++this.#nextCall;
    Promise.resolve(out).then(
      (value) => this.post({ t: 'settle', call: id, ok: true, value }),
      (err: unknown) => this.post({ t: 'settle', call: id, ok: false, error: toWireError(err) }),
    );
    return { k: 'p', call: id };
  }

  #died(exitCode: number | null, signal: NodeJS.Signals | null, stderrTail: string): void {
    if (this.#death !== null) return;
    const death: ProcessDeath = {
      pid: this.pid,
      exitCode,
      signal,
      outOfMemory: looksOutOfMemory(stderrTail),
      expected: this.#ending,
      unresponsive: this.#unresponsive,
    };
    this.#death = death;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(p.onDeath(death));
    const actors = [...this.#actors.values()];
    this.#actors.clear();
    for (const a of actors) a.processDied(death);
    this.#launch.onExit(this, death);
  }
}
