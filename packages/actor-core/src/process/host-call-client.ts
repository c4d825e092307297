// The sandbox host's side of ctx: an ActorHost per actor whose every method is forwarded to the kernel's
// process on the host-call channel. The forwarding is generic (any method name), so a method added to
// ActorHost needs no change here: a plain value comes back as is, a promise as a promise, a throw as a throw.
// Methods whose result the handler does not wait for (POSTED_METHODS, SETTLED_METHODS) are posted instead:
// queued, and written with the next exchange, with the next message (a reply), or at the end of the current turn.
// Replies and heap reports go out here too ({@link HostCallClient.send}): one byte stream keeps them in order.
import { fromWireError, type WireError } from '@solo/protocol';
import type { ActorHost } from '../sandbox.ts';
import { encodeFrame, exchangeFrameSync, writeFramesSync } from './host-call-frames.ts';
import { POSTED_METHODS, SETTLED_METHODS, type HostCall, type HostCallResult, type HostFrame } from './sandbox-wire.ts';

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

function isResult(value: unknown): value is HostCallResult {
  if (typeof value !== 'object' || value === null) return false;
  const k = (value as { k?: unknown }).k;
  return k === 'v' || k === 'e' || k === 'p';
}

/** Makes the ActorHost proxies of one sandbox host process and settles their pending promises. */
export class HostCallClient {
  readonly #fd: number;
  readonly #waiting = new Map<number, Waiting>();
  /** Posted calls not written yet (encoded frames). */
  #queued: Buffer[] = [];
  #flushScheduled = false;
  /** Actors whose handler called ctx.exit since the last {@link takeExit}. */
  readonly #exits = new Set<number>();
  /** Ids of settled posts are negative, so they never meet the ids the kernel gives promises it returns. */
  #nextSettle = 0;

  constructor(fd: number) {
    this.#fd = fd;
  }

  /** The ActorHost of actor `actor`: each method call is a blocking exchange or a post. */
  hostFor(actor: number): ActorHost {
    const methods = new Map<string, (...args: unknown[]) => unknown>();
    return new Proxy({} as ActorHost, {
      get: (_target, name) => {
        // `then` stays undefined so that the host is never mistaken for a promise.
        if (typeof name !== 'string' || name === 'then') return undefined;
        let method = methods.get(name);
        if (method === undefined) {
          method = (...args: unknown[]): unknown => this.#call({ t: 'call', actor, method: name, args });
          methods.set(name, method);
        }
        return method;
      },
    });
  }

  /** The outcome of a host call that returned a promise in the kernel's process. */
  settle(call: number, outcome: { ok: true; value: unknown } | { ok: false; error: WireError }): void {
    const w = this.#waiting.get(call);
    if (w === undefined) return;
    this.#waiting.delete(call);
    if (outcome.ok) w.resolve(outcome.value);
    else w.reject(fromWireError(outcome.error));
  }

  /** Writes a reply or heap report to the kernel's process, after the posts queued before it, in one write. */
  send(message: Exclude<HostFrame, HostCall>): void {
    this.#queued.push(encodeFrame(message));
    this.#flush();
  }

  #flush(): void {
    if (this.#queued.length > 0) writeFramesSync(this.#fd, this.#take());
  }

  /** Whether a handler of `actor` called ctx.exit since the last call (a batch of casts stops there). */
  takeExit(actor: number): boolean {
    return this.#exits.delete(actor);
  }

  #call(call: HostCall): unknown {
    if (call.method === 'exit') this.#exits.add(call.actor);
    if (SETTLED_METHODS.has(call.method)) {
      const settle = --this.#nextSettle;
      const promise = new Promise((resolve, reject) => this.#waiting.set(settle, { resolve, reject }));
      this.#post({ ...call, post: true, settle });
      return promise;
    }
    if (POSTED_METHODS.has(call.method)) {
      this.#post({ ...call, post: true });
      return undefined;
    }
    const result = exchangeFrameSync(this.#fd, call, this.#queued.length > 0 ? this.#take() : undefined);
    if (!isResult(result)) throw new Error('the kernel sent a malformed host-call answer');
    switch (result.k) {
      case 'v':
        return result.value;
      case 'e':
        throw fromWireError(result.error);
      case 'p':
        return new Promise((resolve, reject) => this.#waiting.set(result.call, { resolve, reject }));
    }
  }

  #post(call: HostCall): void {
    this.#queued.push(encodeFrame(call));
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // After the current crossing and its microtasks: a handler's logs and calls of one turn go out in one write.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #take(): Buffer {
    const frames = this.#queued.length === 1 ? (this.#queued[0] as Buffer) : Buffer.concat(this.#queued);
    this.#queued = [];
    return frames;
  }
}
