// A few isolates prepared ahead of need, off the request path — isolate, context and Solo's runtime loaded,
// no service code yet — since creating them (V8 heap set-up, context, runtime) is most of what starting an
// actor costs. A deploy or a restart takes a prepared one and a refill runs once its spawn is done.
import ivm from 'isolated-vm';
import { HostBridge } from './host-bridge.ts';
import { loadRuntime, type IsolateRuntime } from './isolate-runtime.ts';

/** An isolate with its context and runtime, not yet bound to a service; used by exactly one incarnation. */
export interface PreparedIsolate {
  isolate: ivm.Isolate;
  context: ivm.Context;
  bridge: HostBridge;
  runtime: IsolateRuntime;
}

/** Prepares an isolate now, on the calling thread. Disposes it when a step fails. */
export function prepareIsolateSync(options: ivm.IsolateOptions): PreparedIsolate {
  const isolate = new ivm.Isolate(options);
  try {
    const context = isolate.createContextSync();
    const bridge = new HostBridge();
    return { isolate, context, bridge, runtime: loadRuntime(context, bridge.callbacks()) };
  } catch (err) {
    if (!isolate.isDisposed) isolate.dispose();
    throw err;
  }
}

/**
 * Releases a prepared isolate that was never used: its runtime references and context first, then the
 * isolate, so no host-side handle outlives the isolate it points into.
 */
function releasePrepared(p: PreparedIsolate): void {
  for (const ref of Object.values(p.runtime)) (ref as ivm.Reference).release();
  p.context.release();
  if (!p.isolate.isDisposed) p.isolate.dispose();
}

/** Prepared isolates for one memory limit (a limit is fixed when an isolate is created). */
export class WarmIsolates {
  readonly #memoryMb: number;
  readonly #target: number;
  readonly #options: Omit<ivm.IsolateOptions, 'memoryLimit'>;
  readonly #ready: PreparedIsolate[] = [];
  #refillScheduled = false;
  #closed = false;

  constructor(memoryMb: number, target: number, options: Omit<ivm.IsolateOptions, 'memoryLimit'>) {
    this.#memoryMb = memoryMb;
    this.#target = target;
    this.#options = options;
  }

  get memoryMb(): number {
    return this.#memoryMb;
  }

  /** A prepared isolate, or null when none is ready. Call {@link WarmIsolates.refill} once the spawn is done. */
  take(): PreparedIsolate | null {
    return this.#ready.pop() ?? null;
  }

  /**
   * Tops the pool up on later macrotasks. Called once the spawn that took an isolate is done: a refill that ran
   * between the spawn's own steps would hold a restart up by the time it takes to prepare an isolate (~1.5 ms).
   */
  refill(): void {
    this.#scheduleRefill();
  }

  /** Disposes the prepared isolates; no refill after this. */
  close(): void {
    this.#closed = true;
    for (const p of this.#ready.splice(0)) releasePrepared(p);
  }

  #scheduleRefill(): void {
    if (this.#refillScheduled || this.#closed) return;
    this.#refillScheduled = true;
    // One per macrotask, so a burst of deploys or a recovery is not held up by refills queued in front of it.
    const step = (): void => {
      if (this.#closed || this.#ready.length >= this.#target) {
        this.#refillScheduled = false;
        return;
      }
      try {
        this.#ready.push(prepareIsolateSync({ ...this.#options, memoryLimit: this.#memoryMb }));
      } catch {
        // A refill that fails leaves the pool short: the next spawn prepares its own isolate, as without a pool.
        this.#refillScheduled = false;
        return;
      }
      setImmediate(step).unref();
    };
    setImmediate(step).unref();
  }
}
