// The actor cell: mailbox, one-message-at-a-time processing and timers of one service. It outlives its
// incarnations, so queued messages survive a crash; the owner (kernel + supervisor) decides on restarts.
import { SoloError, isSoloError, toWireError, type ExitReason, type Json } from '@solo/protocol';
import { resolveActorOptions, resolveActorStopOptions, type ActorOptions, type ActorStopOptions, type ResolvedActorStopOptions } from './actor-options.ts';
import { ActorTimers } from './actor-timers.ts';
import { rejectEnvelope, resolveEnvelope, type Envelope } from './actor-envelope.ts';
import { EnvelopeQueue } from './envelope-queue.ts';
import { IdleWaiters } from './idle-waiters.ts';
import type { CastBatchOutcome, SandboxedActor } from './sandbox.ts';
import { terminateOnExit, windDown } from './wind-down.ts';

const noop = (): void => undefined;
/**
 * Most casts handed to a sandbox in one trip (handleCasts). Bounds what a crash in the middle puts back, and
 * how long the batch's first message waits for its promise.
 */
const CAST_BATCH = 32;

/** One actor: a FIFO mailbox drained one message at a time into the attached incarnation. */
export class Actor {
  readonly #tenant: string;
  readonly #service: string;
  readonly #onExit: (reason: ExitReason) => void;
  readonly #onBusy: ((syncMs: number, endMs: number) => void) | undefined;
  readonly #timers: ActorTimers;
  readonly #mailbox: EnvelopeQueue;
  #running: Envelope | null = null;
  /** The casts after `#running` in a batch handed over at once (handleCasts), not settled yet. */
  #runningRest: Envelope[] = [];
  #incarnation: SandboxedActor | null = null;
  #crashed = false;
  #handled = 0;
  #appliedTag = 0;
  /** performance.now() when the message in flight started, and the wall time of the last one that completed. */
  #runningSinceMs = 0;
  #lastHandlerMs: number | null = null;
  #phase: 'open' | 'stopping' | 'stopped' | 'closed' = 'open';
  #closeError: SoloError | null = null;
  #stopping: Promise<'normal' | 'forced'> | null = null;
  #pumpScheduled = false;
  readonly #idle = new IdleWaiters();
  /** pause() calls not yet resumed: no message starts while above 0. */
  #pauses = 0;
  /** The incarnation a detach or a requested exit is ending; no message starts meanwhile. */
  #windingDown: SandboxedActor | null = null;
  /** The last incarnation a detach disposed: a handler it cut short is not a crash of the service. */
  #detached: SandboxedActor | null = null;
  /** The incarnation kill() disposed, and the error it crashes with. */
  #killed: { inst: SandboxedActor; error: SoloError } | null = null;
  /** An exit signal that arrived while paused, delivered on resume(). */
  #pendingKill: SoloError | null = null;
  #exitRequested: 'normal' | 'shutdown' | null = null;

  /** @throws `invalid_request` when maxCastAttempts or maxTimers is not a positive integer. */
  constructor(opts: ActorOptions) {
    const o = resolveActorOptions(opts);
    this.#tenant = o.tenant;
    this.#service = o.service;
    this.#mailbox = new EnvelopeQueue({ tenant: o.tenant, service: o.service, maxCastAttempts: o.maxCastAttempts });
    this.#timers = new ActorTimers({ maxTimers: o.maxTimers, fire: (m) => this.info(m) });
    this.#onExit = o.onExit;
    this.#onBusy = o.onBusy;
  }

  /** Messages queued and not yet started (the in-flight one excluded). */
  get mailboxLength(): number {
    return this.#mailbox.length;
  }
  /** Messages whose handler completed without crashing, across incarnations. */
  get messagesHandled(): number {
    return this.#handled;
  }
  /** Volatile timers (`ctx.setTimer` without `durable`) set and not yet handled: pending, fired or in the mailbox. */
  get timerCount(): number {
    return this.#timers.size;
  }
  /** Wall time in ms of the last handler that completed without crashing; null before the first. */
  get lastHandlerMs(): number | null {
    return this.#lastHandlerMs;
  }
  /** The attached incarnation; null before the first attach, after a crash and after stop/close. */
  get incarnation(): SandboxedActor | null {
    return this.#incarnation;
  }
  /** True from a crash of the incarnation until the next attach. */
  get crashed(): boolean {
    return this.#crashed;
  }
  /** True after close() or stop(): the cell takes no message and no incarnation any more. */
  get closed(): boolean {
    return this.#phase !== 'open';
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
    this.#watch(instance);
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
      const env = this.#mailbox.enqueue('call', message, resolve, reject);
      if (Number.isFinite(timeoutMs)) env.deadline = setTimeout(() => this.#mailbox.expire(env, timeoutMs), timeoutMs);
      this.#pump();
    });
  }

  /**
   * Resolves once handled. A cast that crashes the incarnation goes back to the head of the mailbox for the next
   * one; after maxCastAttempts crashes it rejects with `service_crashed` and `details.dead_letter: true`.
   */
  cast(message: Json, opts: { tag?: number } = {}): Promise<void> {
    const refused = this.#refusal();
    if (refused !== null) return Promise.reject(refused);
    return new Promise<void>((resolve, reject) => {
      const env = this.#mailbox.enqueue('cast', message, () => resolve(), reject);
      if (opts.tag !== undefined) env.tag = opts.tag;
      this.#pump();
    });
  }

  /**
   * The highest tag of the casts handled (see `opts.tag` of {@link Actor.cast}), set the moment each handler
   * completes: read while paused, it agrees exactly with the state of the incarnation. The owner sets it when
   * it attaches an incarnation restored from a snapshot.
   */
  get appliedTag(): number {
    return this.#appliedTag;
  }

  set appliedTag(tag: number) {
    this.#appliedTag = tag;
  }

  /**
   * A cast handled by an earlier incarnation whose state was lost with it (it crashed or was restarted before
   * its state was saved): queued at the head, ahead of what was queued since, to be handled again. Resolves
   * and rejects as {@link Actor.cast}. Redo in descending order to keep several in their first order.
   */
  redo(message: Json, opts: { tag?: number } = {}): Promise<void> {
    const refused = this.#refusal();
    if (refused !== null) return Promise.reject(refused);
    return new Promise<void>((resolve, reject) => {
      const env = this.#mailbox.enqueueFirst('cast', message, () => resolve(), reject);
      if (opts.tag !== undefined) env.tag = opts.tag;
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
      this.#mailbox.enqueue('info', message, () => resolve(), reject);
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

  // incarnation control (supervisor and hot swap) ------------------------------------------------------------

  /**
   * Holds the mailbox for a code change: no new message starts (new ones queue), and the promise resolves
   * once none is in flight. Exit signals (kill) wait for {@link Actor.resume}. Pauses nest.
   */
  pause(): Promise<void> {
    this.#pauses += 1;
    return this.#idle.when(() => this.#running === null && this.#windingDown === null);
  }

  /** Ends one pause; the mailbox drains again (into the new incarnation after a replace) in order. */
  resume(): void {
    if (this.#pauses === 0) return;
    this.#pauses -= 1;
    if (this.#pauses > 0) return;
    const kill = this.#pendingKill;
    this.#pendingKill = null;
    if (kill !== null) this.kill(kill);
    this.#pump();
  }

  /**
   * Puts `next` in place of the attached incarnation while paused, and returns the old one (not disposed):
   * the switch of a hot swap. Queued messages and timers stay.
   * @throws `internal` unless the actor is open, paused, idle and has an incarnation.
   */
  replaceIncarnation(next: SandboxedActor): SandboxedActor {
    const old = this.#incarnation;
    if (this.#phase !== 'open' || this.#pauses === 0 || this.#running !== null || this.#windingDown !== null || old === null) {
      throw new SoloError('internal', `Actor '${this.#tenant}/${this.#service}' can swap its incarnation only while paused and idle with one attached.`);
    }
    this.#incarnation = next;
    this.#watch(next);
    return old;
  }

  /**
   * Ends the attached incarnation but keeps the mailbox, for a restart that is not the service's fault (a
   * sibling's restart, a replace): no new message starts, the one in flight may finish and terminate runs
   * (both within timeoutMs, unless `force`), then the incarnation is disposed and its volatile timers die.
   * A handler cut short goes back to the head of the mailbox (a call in flight is rejected `unavailable`).
   * Queued messages wait for the next attach. No onExit. Resolves like {@link Actor.stop}.
   */
  async detach(opts: ActorStopOptions = {}): Promise<'normal' | 'forced'> {
    const o = resolveActorStopOptions(opts);
    const inst = this.#incarnation;
    if (inst === null || this.#phase !== 'open' || this.#windingDown !== null) return 'normal';
    this.#windingDown = inst;
    const mode = await windDown(inst, o, () => this.#idle.when(() => this.#running === null));
    this.#detached = inst;
    inst.dispose();
    this.#windingDown = null;
    if (this.#incarnation === inst) {
      this.#incarnation = null;
      this.#timers.clear();
    }
    this.#idle.notify();
    return mode;
  }

  /**
   * An exit signal from outside (a linked actor crashed): disposes the incarnation at once and crashes the
   * actor with `error` (onExit reports it; queued messages wait for the next incarnation). A call in flight
   * rejects with `error`; a cast or info in flight goes back to the head, not counted as an attempt. While
   * paused the signal waits for resume(). A no-op without a live incarnation or while one is winding down.
   */
  kill(error: SoloError): void {
    const inst = this.#incarnation;
    if (this.#phase !== 'open' || inst === null || this.#windingDown !== null) return;
    if (this.#pauses > 0) {
      this.#pendingKill ??= error;
      return;
    }
    this.#killed = { inst, error };
    inst.dispose();
    // With a handler in flight, its rejection (disposed) reaches #failed, which crashes with `error`.
    if (this.#running === null) this.#crash(error);
  }

  /**
   * The service asked to end (`ctx.exit`): once the message in flight is done, terminate(reason) runs, the
   * incarnation is disposed and onExit reports `{ kind: reason }`. Queued messages wait for a next incarnation.
   */
  requestExit(reason: 'normal' | 'shutdown'): void {
    if (this.#phase !== 'open' || this.#incarnation === null) return;
    this.#exitRequested ??= reason;
    if (this.#running === null) void this.#exitNow();
  }

  // stopping -----------------------------------------------------------------------------------------------

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
    this.#stopping = this.#stop(o);
    return this.#stopping;
  }

  /** The owner gave up (no restart): rejects everything queued and in flight with `error`; no onExit. */
  close(error: SoloError): void {
    if (this.#phase === 'closed' || this.#phase === 'stopped') return;
    if (this.#phase === 'open') this.#phase = 'closed';
    this.#closeError = error;
    this.#timers.clear();
    this.#mailbox.rejectAll(error);
    if (this.#running !== null) rejectEnvelope(this.#running, error);
    for (const env of this.#runningRest) rejectEnvelope(env, error);
    this.#incarnation?.dispose();
    this.#incarnation = null;
    this.#idle.notify();
  }

  async #stop(o: ResolvedActorStopOptions): Promise<'normal' | 'forced'> {
    this.#phase = 'stopping';
    this.#timers.clear();
    const unavailable = this.#unavailable();
    this.#mailbox.rejectAll(unavailable);
    const inst = this.#incarnation;
    let mode: 'normal' | 'forced' = 'normal';
    if (inst !== null) {
      mode = await windDown(inst, o, () => this.#idle.when(() => this.#running === null));
      if (this.#running !== null) rejectEnvelope(this.#running, unavailable);
      for (const env of this.#runningRest) rejectEnvelope(env, unavailable);
      inst.dispose();
    }
    this.#incarnation = null;
    if (this.#phase === 'stopping') this.#phase = 'stopped';
    this.#onExit({ kind: o.reason === 'shutdown' ? 'shutdown' : 'normal' });
    return mode;
  }

  async #exitNow(): Promise<void> {
    const inst = this.#incarnation;
    const reason = this.#exitRequested;
    this.#exitRequested = null;
    if (inst === null || reason === null || this.#windingDown !== null) return;
    this.#windingDown = inst;
    // A terminate that crashes or overruns does not change the exit reason the service asked for.
    await terminateOnExit(inst, reason);
    inst.dispose();
    this.#windingDown = null;
    const current = this.#incarnation === inst;
    if (current) {
      this.#incarnation = null;
      this.#timers.clear();
    }
    this.#idle.notify();
    if (current && this.#phase === 'open') this.#onExit({ kind: reason });
  }

  // processing ---------------------------------------------------------------------------------------------

  #pump(): void {
    if (this.#running !== null || this.#incarnation === null || this.#phase !== 'open') return;
    if (this.#pauses > 0 || this.#windingDown !== null) return;
    const env = this.#mailbox.take();
    if (env === undefined) return;
    this.#running = env;
    this.#runningSinceMs = performance.now();
    const inst = this.#incarnation;
    if (env.kind === 'cast' && inst.handleCasts !== undefined && this.#startBatch(inst, inst.handleCasts.bind(inst), env)) return;
    const work: Promise<Json | void> = env.scope.runInAsyncScope(() =>
      env.kind === 'call' ? inst.handleCall(env.message) : env.kind === 'cast' ? inst.handleCast(env.message) : inst.handleInfo(env.message),
    );
    // A handler that returns synchronously ran on this thread just now: tell the owner what that cost.
    if (this.#onBusy !== undefined) {
      const endMs = performance.now();
      this.#onBusy(endMs - this.#runningSinceMs, endMs);
    }
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

  /**
   * Hands `first` and the casts queued right behind it (up to CAST_BATCH) to a sandbox that takes them in one trip.
   * False when no cast follows `first` (the caller runs it alone). The batch runs in `first`'s async context.
   */
  #startBatch(inst: SandboxedActor, handleCasts: (messages: Json[]) => Promise<CastBatchOutcome>, first: Envelope): boolean {
    const rest: Envelope[] = [];
    for (let next = this.#mailbox.takeCast(); next !== undefined; next = rest.length + 1 < CAST_BATCH ? this.#mailbox.takeCast() : undefined) rest.push(next);
    if (rest.length === 0) return false;
    this.#runningRest = rest;
    const batch = [first, ...rest];
    first.scope.runInAsyncScope(() => handleCasts(batch.map((e) => e.message))).then(
      (outcome) => this.#batchDone(inst, batch, outcome),
      (err: unknown) => this.#batchDone(inst, batch, { handled: 0, error: err as SoloError }),
    );
    return true;
  }

  #batchDone(inst: SandboxedActor, batch: Envelope[], outcome: CastBatchOutcome): void {
    this.#runningRest = [];
    const handled = Math.max(0, Math.min(outcome.handled, batch.length));
    for (const env of batch.slice(0, handled)) {
      this.#handled += 1;
      if (env.tag !== undefined && env.tag > this.#appliedTag) this.#appliedTag = env.tag;
      resolveEnvelope(env, null);
    }
    if (outcome.error === undefined || handled >= batch.length) {
      // All handled, or the batch stopped after a handler that called ctx.exit: the rest never started.
      for (const env of batch.slice(handled).reverse()) this.#mailbox.putBack(env, this.#unavailable());
      this.#running = null;
      this.#lastHandlerMs = (performance.now() - this.#runningSinceMs) / Math.max(1, handled);
      if (this.#exitRequested !== null) void this.#exitNow();
      this.#idle.notify();
      this.#schedule();
      return;
    }
    // The casts after the failing one never started: back to the head, in order, behind the failing one.
    const failed = batch[handled] as Envelope;
    for (const env of batch.slice(handled + 1).reverse()) this.#mailbox.putBack(env, this.#unavailable());
    this.#failed(inst, failed, outcome.error);
  }

  #done(env: Envelope, value: Json): void {
    this.#running = null;
    this.#handled += 1;
    if (env.tag !== undefined && env.tag > this.#appliedTag) this.#appliedTag = env.tag;
    this.#lastHandlerMs = performance.now() - this.#runningSinceMs;
    resolveEnvelope(env, value);
    // A requested exit winds down before pause() waiters see the actor idle.
    if (this.#exitRequested !== null) void this.#exitNow();
    this.#idle.notify();
    this.#schedule();
  }

  #failed(inst: SandboxedActor, env: Envelope, err: unknown): void {
    this.#running = null;
    const error = isSoloError(err) ? (err as SoloError) : new SoloError('internal', 'The actor failed unexpectedly.', { cause: err });
    const killed = this.#killed?.inst === inst ? this.#killed.error : null;
    if (inst === this.#detached) {
      // Cut short by a detach: not the service's fault, so the message waits for the next incarnation.
      this.#mailbox.putBack(env, this.#unavailable());
    } else if (!inst.disposed || inst !== this.#incarnation || this.#phase !== 'open') {
      // Refused without crashing (e.g. no handleCall), or stop/close already took the incarnation away.
      rejectEnvelope(env, error);
    } else {
      if (killed !== null) this.#mailbox.putBack(env, killed);
      else if (env.kind === 'cast') this.#mailbox.retryOrDeadLetter(env, error);
      else rejectEnvelope(env, error);
      this.#crash(killed ?? error);
      return;
    }
    this.#idle.notify();
    this.#schedule();
  }

  /**
   * An incarnation can die between messages (its sandbox host process died): that crashes it like an exit
   * signal does. With a message in flight its rejection reaches #failed instead; while paused (a swap) the
   * next message finds it disposed and crashes it there.
   */
  #watch(inst: SandboxedActor): void {
    inst.onCrash?.((error) => {
      if (this.#incarnation === inst && this.#running === null && this.#pauses === 0) this.kill(error);
    });
  }

  /** The incarnation is gone by a crash: report it; queued messages wait for the owner's next attach. */
  #crash(error: SoloError): void {
    this.#incarnation = null;
    this.#crashed = true;
    this.#exitRequested = null;
    this.#timers.clear();
    this.#idle.notify();
    this.#onExit({ kind: 'crash', error: toWireError(error) });
  }

  #refusal(): SoloError | null {
    if (this.#phase === 'open') return null;
    return this.#phase === 'closed' && this.#closeError !== null ? this.#closeError : this.#unavailable();
  }

  #unavailable(): SoloError {
    return new SoloError('unavailable', `Service '${this.#service}' of tenant '${this.#tenant}' is stopping or stopped; the message was not handled. Retry once it runs again.`);
  }
}
