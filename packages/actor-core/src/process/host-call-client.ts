// The sandbox host's side of ctx: an ActorHost per actor whose every method is forwarded to the kernel's
// process on the host-call channel. The forwarding is generic (any method name), so a method added to
// ActorHost needs no change here: a plain value comes back as is, a promise as a promise, a throw as a throw.
import { fromWireError, type WireError } from '@solo/protocol';
import type { ActorHost } from '../sandbox.ts';
import { exchangeFrameSync } from './host-call-frames.ts';
import type { HostCall, HostCallResult } from './sandbox-wire.ts';

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

  constructor(fd: number) {
    this.#fd = fd;
  }

  /** The ActorHost of actor `actor`: each method call is a blocking exchange with the kernel's process. */
  hostFor(actor: number): ActorHost {
    const methods = new Map<string, (...args: unknown[]) => unknown>();
    return new Proxy({} as ActorHost, {
      get: (_target, name) => {
        // `then` stays undefined so that the host is never mistaken for a promise.
        if (typeof name !== 'string' || name === 'then') return undefined;
        let method = methods.get(name);
        if (method === undefined) {
          method = (...args: unknown[]): unknown => this.#call({ actor, method: name, args });
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

  #call(call: HostCall): unknown {
    const result = exchangeFrameSync(this.#fd, call);
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
}
