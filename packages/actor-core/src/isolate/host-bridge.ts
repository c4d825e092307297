// The host side of `ctx`: isolated-vm callbacks that forward what the isolate asks for to the kernel's ActorHost.
// Only strings and numbers cross; results go back tagged ('o' + JSON, or 'e' + wire error JSON).
import ivm from 'isolated-vm';
import { toWireError, type Json } from '@solo/protocol';
import type { ActorHost, LogLevel } from '../sandbox.ts';

/** Where async results and handler settlements go; implemented by the isolate actor once it exists. */
export interface BridgeSink {
  /** The epoch (handler invocation number) a ctx.call/ctx.cast was made in. */
  currentEpoch(): number;
  /** The isolate reports that the handler of `epoch` settled with a tagged result. */
  settle(epoch: number, tagged: string): void;
  /** A ctx.call/ctx.cast made during `epoch` finished on the host side. */
  deliver(epoch: number, token: number, tagged: string): void;
}

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

function ok(value: Json | undefined): string {
  return value === undefined ? 'o' : `o${JSON.stringify(value)}`;
}
function fail(err: unknown): string {
  return `e${JSON.stringify(toWireError(err))}`;
}
/** Runs a synchronous host call; its SoloError goes back tagged, to be thrown inside the isolate. */
function guarded(run: () => string): string {
  try {
    return run();
  } catch (err) {
    return fail(err);
  }
}
function parseOptional(json: unknown): Json | undefined {
  return typeof json === 'string' ? (JSON.parse(json) as Json) : undefined;
}

/**
 * Builds the callbacks handed to the isolate runtime, in the order it expects ($0…$12).
 * Call the sink only after `attach`: before that the module is loading and no handler can run.
 */
export class HostBridge {
  #host: ActorHost | null;
  #sink: BridgeSink | null = null;

  /** `host` may come later through {@link HostBridge.bindHost}: a warm isolate is prepared before its service is known. */
  constructor(host?: ActorHost) {
    this.#host = host ?? null;
  }

  /** Sets the host once; until then the isolate runs no service code, so no callback can fire. */
  bindHost(host: ActorHost): void {
    this.#host ??= host;
  }

  attach(sink: BridgeSink): void {
    this.#sink = sink;
  }

  callbacks(): ivm.Callback[] {
    // Looked up per call: the host may be bound after the callbacks were handed to the isolate.
    const host = {
      get: (): ActorHost => {
        if (this.#host === null) throw new TypeError('the sandbox host is not bound yet');
        return this.#host;
      },
    };
    return [
      new ivm.Callback((level: unknown, message: unknown, data: unknown): string => {
        try {
          if (typeof level !== 'string' || !LEVELS.includes(level) || typeof message !== 'string') throw new TypeError('bad ctx.log call');
          host.get().log(level as LogLevel, message, parseOptional(data));
          return 'o';
        } catch (err) {
          return fail(err);
        }
      }),
      new ivm.Callback((token: unknown, target: unknown, message: unknown, timeoutMs: unknown): void => {
        if (typeof token !== 'number' || typeof target !== 'string' || typeof message !== 'string' || typeof timeoutMs !== 'number') return;
        this.#forward(token, () => host.get().call(target, JSON.parse(message) as Json, { timeoutMs }));
      }),
      new ivm.Callback((token: unknown, target: unknown, message: unknown): void => {
        if (typeof token !== 'number' || typeof target !== 'string' || typeof message !== 'string') return;
        this.#forward(token, async () => {
          await host.get().cast(target, JSON.parse(message) as Json);
          return undefined;
        });
      }),
      new ivm.Callback((ms: unknown, message: unknown, durable: unknown): string => {
        try {
          if (typeof ms !== 'number' || typeof message !== 'string') throw new TypeError('bad ctx.setTimer call');
          return ok(host.get().setTimer(ms, JSON.parse(message) as Json, { durable: durable === true }));
        } catch (err) {
          return fail(err);
        }
      }),
      new ivm.Callback((id: unknown): boolean => typeof id === 'string' && host.get().cancelTimer(id) === true),
      new ivm.Callback((type: unknown, payload: unknown): string => {
        try {
          if (typeof type !== 'string') throw new TypeError('bad ctx.emit call');
          host.get().emit(type, parseOptional(payload));
          return 'o';
        } catch (err) {
          return fail(err);
        }
      }),
      new ivm.Callback((epoch: unknown, tagged: unknown): void => {
        if (typeof epoch === 'number' && typeof tagged === 'string') this.#sink?.settle(epoch, tagged);
      }),
      new ivm.Callback((target: unknown): string => guarded(() => ok(host.get().monitor(String(target))))),
      new ivm.Callback((ref: unknown): boolean => typeof ref === 'string' && host.get().demonitor(ref) === true),
      new ivm.Callback((target: unknown): string => guarded(() => (host.get().link(String(target)), 'o'))),
      new ivm.Callback((target: unknown): string => guarded(() => (host.get().unlink(String(target)), 'o'))),
      new ivm.Callback((reason: unknown): string => guarded(() => (host.get().exit(reason === 'shutdown' ? 'shutdown' : 'normal'), 'o'))),
      new ivm.Callback((token: unknown, name: unknown): void => {
        if (typeof token !== 'number' || typeof name !== 'string') return;
        this.#forward(token, () => host.get().secret(name));
      }),
    ];
  }

  // The host starts the request only after the crossing that made it has returned (kernel work, such as
  // another actor's handler, never runs nested inside this isolate's crossing), and the result is delivered
  // later still: the sink then decides whether the handler that asked is still waiting.
  #forward(token: number, run: () => Promise<Json | undefined>): void {
    const sink = this.#sink;
    if (sink === null) return;
    const epoch = sink.currentEpoch();
    void (async () => {
      let tagged: string;
      try {
        await Promise.resolve();
        tagged = ok(await run());
      } catch (err) {
        tagged = fail(err);
      }
      sink.deliver(epoch, token, tagged);
    })();
  }
}
