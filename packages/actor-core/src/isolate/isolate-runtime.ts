// Loads the in-isolate runtime (runtime-source.ts) into a fresh context and hands back References to its
// entry points, which the isolate actor calls on every message.
import type ivm from 'isolated-vm';
import { RUNTIME_SOURCE } from './runtime-source.ts';

/** References into one isolate's runtime. Every result is a tagged string (see runtime-source.ts). */
export interface IsolateRuntime {
  /** Fixes `ctx.self` (once), before the module is installed. */
  bind: ivm.Reference<(tenant: string, service: string) => void>;
  install: ivm.Reference<(namespace: unknown) => string>;
  dispatch: ivm.Reference<(kind: string, a: string, b: string | undefined, epoch: number) => string>;
  deliver: ivm.Reference<(token: number, tagged: string) => void>;
  getState: ivm.Reference<() => string>;
  setState: ivm.Reference<(json: string) => void>;
}

/** Evaluates the runtime in `context` with the host callbacks; `bind` then gives it the actor's own address. */
export function loadRuntime(context: ivm.Context, callbacks: ivm.Callback[]): IsolateRuntime {
  const api = context.evalClosureSync(RUNTIME_SOURCE, callbacks, {
    filename: 'solo:runtime',
    result: { reference: true },
  });
  const get = <K extends keyof IsolateRuntime>(name: K): IsolateRuntime[K] =>
    api.getSync(name, { reference: true }) as unknown as IsolateRuntime[K];
  const runtime: IsolateRuntime = {
    bind: get('bind'),
    install: get('install'),
    dispatch: get('dispatch'),
    deliver: get('deliver'),
    getState: get('getState'),
    setState: get('setState'),
  };
  api.release();
  return runtime;
}
