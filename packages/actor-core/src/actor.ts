// The actor cell: mailbox, one-message-at-a-time processing and timers of one service. It outlives its
// incarnations, so queued messages survive a crash; the owner (kernel + supervisor) decides on restarts.
import { SoloError, isSoloError, toWireError, type ExitReason, type Json } from '@solo/protocol';
import { resolveActorOptions, resolveActorStopOptions, type ActorOptions, type ActorStopOptions } from './actor-options.ts';
import { ActorTimers } from './actor-timers.ts';
import { settlesWithin } from './deadline.ts';
import { Mailbox, type MailboxSlot } from './mailbox.ts';
import type { SandboxedActor } from './sandbox.ts';
import { deadLettered } from './service-crash.ts';

type Kind = 'call' | 'cast' | 'info';

interface Envelope {
  kind: Kind;
  message: Json;
  resolve(value: Json): void;
  reject(error: SoloError): void;
  settled: boolean;
  /** Incarnations this message has crashed so far (casts are retried). */
  attempts: number;
  slot: MailboxSlot<Envelope> | null;
  deadline: ReturnType<typeof setTimeout> | undefined;
}

const noop = (): void => undefined;

/** One actor: a FIFO mailbox drained one message at a time into the attached incarnation. */
export class Actor {
  readonly #tenant: string;
  readonly #service: string;
  readonly #maxCastAttempts: number;
  readonly #onExit: (reason: ExitReason) => void;
  readonly #timers: ActorTimers;
  readonly #mailbox = new Mailbox<Envelope>();
  #running: Envelope | null = null;
  #incarnation: SandboxedActor | null = null;
  #crashed = false;
  #handled = 0;
  #phase: 'open' | 'stopping' | 'stopped' | 'closed' = 'open';
  #closeError: SoloError | null = null;
  #stopping: Promise<'normal' | 'forced'> | null = null;
  #pumpScheduled = false;
  #idleWaiters: Array<() => void> = [];

  /** @throws `invalid_request` when maxCastAttempts or maxTimers is not a positive integer. */
  constructor(opts: ActorOptions) {
    const o = resolveActorOptions(opts);
    this.#tenant = o.tenant;
    this.#service = o.service;
    this.#maxCastAttempts = o.maxCastAttempts;
    this.#timers = new ActorTimers({ maxTimers: o.maxTimers, fire: (m) => void this.info(m) });
    this.#onExit = o.onExit;
  }

  /** Messages queued and not yet started (the in-flight one excluded). */
  get mailboxLength(): number {
    return this.#mailbox.length;
  }
  /** Messages whose handler completed without crashing, across incarnations. */
  get messagesHandled(): number {
    return this.#handled;
  }
  /** The attached incarnation; null before the first attach, after a crash and after stop/close. */
  get incarnation(): SandboxedActor | null {
    return this.#incarnation;
  }
  /** True from a crash of the incarnation until the next attach. */
  get crashed(): boolean {
    return this.#crashed;
  }

  /**
   * Begins (or resumes, after a crash) processing the mailbox with `instance`.
   * @throws `unavailable` (or the close error) after stop/close, disposing `instance`; `internal` while another
   * incarnation is attached.
   */
  attach(instance: SandboxedActor): void {
    if (this.#phase !== 'open') {
      instance.dispose();
      throw this.#refusal() ?? this.#unavailable();
    }
    if (this.#incarnation !== null) {
      throw new SoloError('internal', `Actor '${this.#tenant}/${this.#service}' already has a live incarnation; it must crash or stop first.`);
    }
    this.#incarnation = instance;
    this.#crashed = false;
    this.#pump();
  }

  /**
   * Request/reply. Rejects with `timeout` when no reply came in `timeoutMs` (a call that had not started is
   * dropped), `service_crashed` when its handler crashed (calls are not retried), `unavailable` when stopping.
   */
  call(message: Json, opts: { timeoutMs: number }): Promise<Json> {
    const refused = this.#refusal();
    if (refused !== null) return Promise.reject(refused);
    const timeoutMs = opts.timeoutMs;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
      return Promise.reject(new SoloError('invalid_request', `Call timeoutMs must be a number > 0, got ${String(timeoutMs)}.`, { details: { field: 'timeout_ms' } }));
    }
    return new Promise<Json>((resolve, reject) => {
      const env = this.#enqueue('call', message, resolve, reject);
      if (Number.isFinite(timeoutMs)) env.deadline = setTimeout(() => this.#expire(env, timeoutMs), timeoutMs);
      this.#pump();
    });
  }

  /**
   * Resolves once handled. A cast that crashes the incarnation goes back to the head of the mailbox for the next
   * one; after maxCastAttempts crashes it rejects with `service_crashed` and `details.dead_letter: true`.
   */
  cast(message: Json): Promise<void> {
    const refused = this.#refusal();
    if (refused !== null) return Promise.reject(refused);
    return new Promise<void>((resolve, reject) => {
      this.#enqueue('cast', message, () => resolve(), reject);
      this.#pump();
    });
  }

  /**
   * Queues a message for handleInfo (timers, monitor notices). Resolves once handled; rejects when its handler
   * crashed or the actor stopped first. Callers that do not care (volatile timers) may ignore the result.
   */
  info(message: Json): Promise<void> {
    if (this.#phase !== 'open') return Promise.reject(this.#refusal() ?? this.#unavailable());
    const done = new Promise<void>((resolve, reject) => {
      this.#enqueue('info', message, () => resolve(), reject);
      this.#pump();
    });
    done.catch(noop); // a dropped notice is not an error for fire-and-forget callers
    return done;
  }

  /**
   * Delivers `message` to handleInfo after `ms`. Timers are volatile: a crash or stop cancels them all.
   * @throws `limit_exceeded` beyond maxTimers; `invalid_request` on a bad delay; `unavailable` when stopping.
   */
  setTimer(ms: number, message: Json): string {
    const refused = this.#refusal();
    if (refused !== null) throw refused;
    return this.#timers.set(ms, message, `Service '${this.#service}' of tenant '${this.#tenant}'`);
  }

  /** Cancels a timer; false when it already fired, was cleared or never existed. */
  cancelTimer(id: string): boolean {
    return this.#timers.cancel(id);
  }

  /**
   * Stops for good: rejects queued messages with `unavailable`, lets the in-flight message finish and runs
   * terminate (both within timeoutMs) unless `force`, disposes the incarnation and reports onExit once.
   * Resolves 'normal' when terminate completed (or there was no incarnation), 'forced' otherwise.
   */
  stop(opts: ActorStopOptions = {}): Promise<'normal' | 'forced'> {
    let o;
    try {
      o = resolveActorStopOptions(opts);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#stopping !== null) return this.#stopping;
    if (this.#phase !== 'open') return Promise.resolve('normal');
    this.#stopping = this.#stop(o.force, o.timeoutMs, o.reason);
    return this.#stopping;
  }

  /** The owner gave up (no restart): rejects everything queued and in flight with `error`; no onExit. */
  close(error: SoloError): void {
    if (this.#phase === 'closed' || this.#phase === 'stopped') return;
    if (this.#phase === 'open') this.#phase = 'closed';
    this.#closeError = error;
    this.#timers.clear();
    for (const env of this.#mailbox.drain()) this.#reject(env, error);
    if (this.#running !== null) this.#reject(this.#running, error);
    this.#incarnation?.dispose();
    this.#incarnation = null;
    this.#notifyIdle();
  }

  // processing ---------------------------------------------------------------------------------------------

  #enqueue(kind: Kind, message: Json, resolve: (v: Json) => void, reject: (e: SoloError) => void): Envelope {
    const env: Envelope = { kind, message, resolve, reject, settled: false, attempts: 0, slot: null, deadline: undefined };
    env.slot = this.#mailbox.push(env);
    return env;
  }

  #pump(): void {
    if (this.#running !== null || this.#incarnation === null || this.#phase !== 'open') return;
    const env = this.#mailbox.shift();
    if (env === undefined) return;
    env.slot = null;
    this.#running = env;
    const inst = this.#incarnation;
    const work: Promise<Json | void> =
      env.kind === 'call' ? inst.handleCall(env.message) : env.kind === 'cast' ? inst.handleCast(env.message) : inst.handleInfo(env.message);
    work.then(
      (value) => this.#done(env, value ?? null),
      (err: unknown) => this.#failed(inst, env, err),
    );
  }

  // The next message starts on a later macrotask, so code continuing from this message's promise (e.g. the
  // kernel snapshotting state after a cast) runs before the state moves on.
  #schedule(): void {
    if (this.#pumpScheduled || this.#mailbox.length === 0) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #done(env: Envelope, value: Json): void {
    this.#running = null;
    this.#handled += 1;
    this.#resolve(env, value);
    this.#notifyIdle();
    this.#schedule();
  }

  #failed(inst: SandboxedActor, env: Envelope, err: unknown): void {
    this.#running = null;
    const error = isSoloError(err) ? (err as SoloError) : new SoloError('internal', 'The actor failed unexpectedly.', { cause: err });
    if (!inst.disposed || inst !== this.#incarnation || this.#phase !== 'open') {
      // Refused without crashing (e.g. no handleCall), or stop/close already took the incarnation away.
      this.#reject(env, error);
      this.#notifyIdle();
      this.#schedule();
      return;
    }
    this.#incarnation = null;
    this.#crashed = true;
    this.#timers.clear();
    if (env.kind === 'call') this.#reject(env, error);
    else if (env.kind === 'cast') this.#retryOrDeadLetter(env, error);
    this.#notifyIdle();
    this.#onExit({ kind: 'crash', error: toWireError(error) });
  }

  #retryOrDeadLetter(env: Envelope, error: SoloError): void {
    env.attempts += 1;
    if (env.settled) return;
    if (env.attempts < this.#maxCastAttempts) {
      env.slot = this.#mailbox.unshift(env);
      return;
    }
    this.#reject(env, deadLettered({ tenant: this.#tenant, service: this.#service }, env.attempts, error));
  }

  #expire(env: Envelope, timeoutMs: number): void {
    if (env.settled) return;
    const queued = env.slot !== null && this.#mailbox.remove(env.slot);
    env.slot = null;
    const where = queued ? 'it was still queued and has been dropped' : 'its handler is still running';
    this.#reject(
      env,
      new SoloError('timeout', `Call to service '${this.#service}' of tenant '${this.#tenant}' got no reply within ${timeoutMs} ms (${where}). Retry, or pass a longer timeout.`, {
        details: { timeout_ms: timeoutMs },
      }),
    );
  }

  // stopping -----------------------------------------------------------------------------------------------

  async #stop(force: boolean, timeoutMs: number, reason: 'normal' | 'shutdown'): Promise<'normal' | 'forced'> {
    this.#phase = 'stopping';
    this.#timers.clear();
    const unavailable = this.#unavailable();
    for (const env of this.#mailbox.drain()) this.#reject(env, unavailable);
    const inst = this.#incarnation;
    let mode: 'normal' | 'forced' = 'normal';
    if (inst !== null) {
      mode = 'forced';
      if (!force) {
        const deadline = performance.now() + timeoutMs;
        const drained = await settlesWithin(this.#whenIdle(), timeoutMs);
        const leftMs = deadline - performance.now();
        if (drained && !inst.disposed && leftMs > 0) {
          const ok = await settlesWithin(inst.terminate(reason), leftMs);
          if (ok && !inst.disposed) mode = 'normal';
        }
      }
      if (this.#running !== null) this.#reject(this.#running, unavailable);
      inst.dispose();
    }
    this.#incarnation = null;
    if (this.#phase === 'stopping') this.#phase = 'stopped';
    this.#onExit({ kind: reason === 'shutdown' ? 'shutdown' : 'normal' });
    return mode;
  }

  #whenIdle(): Promise<void> {
    if (this.#running === null) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  // settling -----------------------------------------------------------------------------------------------

  #resolve(env: Envelope, value: Json): void {
    if (env.settled) return;
    env.settled = true;
    clearTimeout(env.deadline);
    env.resolve(value);
  }

  #reject(env: Envelope, error: SoloError): void {
    if (env.settled) return;
    env.settled = true;
    clearTimeout(env.deadline);
    env.reject(error);
  }

  #refusal(): SoloError | null {
    if (this.#phase === 'open') return null;
    return this.#phase === 'closed' && this.#closeError !== null ? this.#closeError : this.#unavailable();
  }

  #unavailable(): SoloError {
    return new SoloError('unavailable', `Service '${this.#service}' of tenant '${this.#tenant}' is stopping or stopped; the message was not handled. Retry once it runs again.`);
  }
}
