// The queue side of an actor cell: envelopes waiting in its mailbox, put back at the head after a handler was
// cut short, retried or dead-lettered after crashes, and dropped when a call's deadline passes while queued.
import { SoloError, type Json } from '@solo/protocol';
import { createEnvelope, rejectEnvelope, type Envelope, type EnvelopeKind } from './actor-envelope.ts';
import { Mailbox } from './mailbox.ts';
import { deadLettered } from './service-crash.ts';

/** Whose queue it is (for messages) and how often a cast may crash an incarnation. */
export interface EnvelopeQueueOptions {
  tenant: string;
  service: string;
  maxCastAttempts: number;
}

/** An actor's FIFO of envelopes not yet started. */
export class EnvelopeQueue {
  readonly #tenant: string;
  readonly #service: string;
  readonly #maxCastAttempts: number;
  readonly #mailbox = new Mailbox<Envelope>();

  constructor(o: EnvelopeQueueOptions) {
    this.#tenant = o.tenant;
    this.#service = o.service;
    this.#maxCastAttempts = o.maxCastAttempts;
  }

  /** Envelopes queued and not yet started. */
  get length(): number {
    return this.#mailbox.length;
  }

  /** Queues a new envelope at the tail and returns it. */
  enqueue(kind: EnvelopeKind, message: Json, resolve: (v: Json) => void, reject: (e: SoloError) => void): Envelope {
    const env = createEnvelope(kind, message, resolve, reject);
    env.slot = this.#mailbox.push(env);
    return env;
  }

  /** Queues a new envelope at the head and returns it. */
  enqueueFirst(kind: EnvelopeKind, message: Json, resolve: (v: Json) => void, reject: (e: SoloError) => void): Envelope {
    const env = createEnvelope(kind, message, resolve, reject);
    env.slot = this.#mailbox.unshift(env);
    return env;
  }

  /** Takes the head to start it, or undefined when empty. */
  take(): Envelope | undefined {
    const env = this.#mailbox.shift();
    if (env === undefined) return undefined;
    env.slot = null;
    return env;
  }

  /** Takes the head when it is a cast, else undefined (it stays). */
  takeCast(): Envelope | undefined {
    return this.#mailbox.peek()?.kind === 'cast' ? this.take() : undefined;
  }

  /** Rejects and removes every queued envelope. */
  rejectAll(error: SoloError): void {
    for (const env of this.#mailbox.drain()) rejectEnvelope(env, error);
  }

  /** A message whose handler was cut short for a reason outside it: calls fail, casts and infos go back first. */
  putBack(env: Envelope, callError: SoloError): void {
    if (env.kind === 'call') rejectEnvelope(env, callError);
    else if (!env.settled) env.slot = this.#mailbox.unshift(env);
  }

  /** A cast that crashed its incarnation: back to the head, or dead-lettered after maxCastAttempts crashes. */
  retryOrDeadLetter(env: Envelope, error: SoloError): void {
    env.attempts += 1;
    if (env.settled) return;
    if (env.attempts < this.#maxCastAttempts) {
      env.slot = this.#mailbox.unshift(env);
      return;
    }
    rejectEnvelope(env, deadLettered({ tenant: this.#tenant, service: this.#service }, env.attempts, error));
  }

  /** A call's deadline passed: rejects it with `timeout`, dropping it if it had not started. */
  expire(env: Envelope, timeoutMs: number): void {
    if (env.settled) return;
    const queued = env.slot !== null && this.#mailbox.remove(env.slot);
    env.slot = null;
    const where = queued ? 'it was still queued and has been dropped' : 'its handler is still running';
    rejectEnvelope(
      env,
      new SoloError('timeout', `Call to service '${this.#service}' of tenant '${this.#tenant}' got no reply within ${timeoutMs} ms (${where}). Retry, or pass a longer timeout.`, {
        details: { timeout_ms: timeoutMs },
      }),
    );
  }
}
