// The in-process ActorSandbox: one isolated-vm isolate per incarnation, with the service module loaded under
// the runtime that builds ctx. Sandbox host processes will later run this same code out of the kernel's process.
import ivm from 'isolated-vm';
import { SoloError, isSoloError } from '@solo/protocol';
import type { ActorHost, ActorSandbox, SandboxedActor, ServiceShape, SpawnSpec } from '../sandbox.ts';
import { serviceCrashed } from '../service-crash.ts';
import { WarmIsolates } from './warm-isolates.ts';
import { HostBridge } from './host-bridge.ts';
import { IsolateActor } from './isolate-actor.ts';
import { classifyIsolateFailure } from './isolate-failure.ts';
import { loadRuntime, type IsolateRuntime } from './isolate-runtime.ts';

/** Options of {@link IsolateSandbox}. */
export interface IsolateSandboxOptions {
  /**
   * Called when V8 loses control of an isolate (isolated-vm's `onCatastrophicError`). The process is then in
   * an unknown state: the owner should log, stop taking work and exit. @default undefined (isolated-vm's default)
   */
  onCatastrophicError?: (message: string) => void;
  /** How old the cached heap statistics behind `heapBytes()` may get. @default 1000 */
  heapStatsMaxAgeMs?: number;
  /**
   * Isolates kept created ahead of need for the most common memory limit (`warmMemoryMb`), so starting an
   * actor skips the V8 heap set-up. 0 turns it off. @default 2
   */
  warmIsolates?: number;
  /** The memory limit (MiB) warm isolates are created with. @default 32 */
  warmMemoryMb?: number;
}

/** {@link IsolateSandboxOptions} with defaults applied. */
export interface ResolvedIsolateSandboxOptions {
  onCatastrophicError: ((message: string) => void) | undefined;
  heapStatsMaxAgeMs: number;
  warmIsolates: number;
  warmMemoryMb: number;
}

/** Validates the options of {@link IsolateSandbox}. @throws `invalid_request` on a negative max age. */
export function resolveIsolateSandboxOptions(opts: IsolateSandboxOptions = {}): ResolvedIsolateSandboxOptions {
  const heapStatsMaxAgeMs = opts.heapStatsMaxAgeMs ?? 1000;
  if (!Number.isFinite(heapStatsMaxAgeMs) || heapStatsMaxAgeMs < 0) {
    throw new SoloError('invalid_request', `heapStatsMaxAgeMs must be a number >= 0, got ${String(opts.heapStatsMaxAgeMs)}.`);
  }
  const warmIsolates = opts.warmIsolates ?? 2;
  const warmMemoryMb = opts.warmMemoryMb ?? 32;
  if (!Number.isInteger(warmIsolates) || warmIsolates < 0 || warmIsolates > 64) {
    throw new SoloError('invalid_request', `warmIsolates must be an integer from 0 to 64, got ${String(opts.warmIsolates)}.`);
  }
  if (!Number.isInteger(warmMemoryMb) || warmMemoryMb < 8) {
    throw new SoloError('invalid_request', `warmMemoryMb must be an integer >= 8, got ${String(opts.warmMemoryMb)}.`);
  }
  return { onCatastrophicError: opts.onCatastrophicError, heapStatsMaxAgeMs, warmIsolates, warmMemoryMb };
}

function rejected(spec: SpawnSpec, what: string): SoloError {
  return new SoloError(
    'rejected_code',
    `Service '${spec.service}' of tenant '${spec.tenant}' ${what}. Export an object of handlers: \`export default { handleCall(msg, state, ctx) { … } }\`.`,
    { details: { finding: what } },
  );
}

// The shape comes out of the isolate, where the service may have patched the runtime's globals: rebuild it
// from what is certain instead of trusting the parsed object.
function toShape(raw: unknown): ServiceShape {
  const o = typeof raw === 'object' && raw !== null ? (raw as { handlers?: unknown; codeVersion?: unknown; trapExits?: unknown }) : {};
  const h = typeof o.handlers === 'object' && o.handlers !== null ? (o.handlers as Record<string, unknown>) : {};
  return {
    handlers: {
      init: h['init'] === true,
      handleCall: h['handleCall'] === true,
      handleCast: h['handleCast'] === true,
      handleInfo: h['handleInfo'] === true,
      codeChange: h['codeChange'] === true,
      terminate: h['terminate'] === true,
    },
    codeVersion: typeof o.codeVersion === 'string' ? o.codeVersion : null,
    trapExits: o.trapExits === true,
  };
}

/** Runs each incarnation in its own isolate inside this process. */
export class IsolateSandbox implements ActorSandbox {
  readonly #opts: ResolvedIsolateSandboxOptions;
  readonly #warm: WarmIsolates | null;

  constructor(opts: IsolateSandboxOptions = {}) {
    this.#opts = resolveIsolateSandboxOptions(opts);
    const base: Omit<ivm.IsolateOptions, 'memoryLimit'> = {};
    if (this.#opts.onCatastrophicError !== undefined) base.onCatastrophicError = this.#opts.onCatastrophicError;
    this.#warm = this.#opts.warmIsolates > 0 ? new WarmIsolates(this.#opts.warmMemoryMb, this.#opts.warmIsolates, base) : null;
  }

  /** Disposes the warm isolates (running actors are their owners' to stop). */
  close(): void {
    this.#warm?.close();
  }

  /**
   * Starts an incarnation: a fresh isolate limited to `limits.memory_mb`, the runtime, then the module.
   * @throws `rejected_code` when the module imports anything or lacks a default export with handlers;
   * `service_crashed` when its top-level code throws or exceeds a limit. The isolate is disposed on every failure.
   */
  async spawn(spec: SpawnSpec, host: ActorHost): Promise<SandboxedActor> {
    const isolateOptions: ivm.IsolateOptions = { memoryLimit: spec.limits.memory_mb };
    if (this.#opts.onCatastrophicError !== undefined) isolateOptions.onCatastrophicError = this.#opts.onCatastrophicError;
    const warm = this.#warm !== null && this.#warm.memoryMb === spec.limits.memory_mb ? this.#warm.take() : null;
    const isolate = warm?.isolate ?? new ivm.Isolate(isolateOptions);
    try {
      const context = warm?.context ?? (await isolate.createContext());
      const bridge = warm?.bridge ?? new HostBridge();
      const runtime = warm?.runtime ?? loadRuntime(context, bridge.callbacks());
      bridge.bindHost(host);
      runtime.bind.applySync(undefined, [spec.tenant, spec.service]);
      const namespace = await this.#loadModule(isolate, context, spec);
      const shape = this.#install(runtime, namespace, spec);
      return new IsolateActor({
        isolate,
        runtime,
        bridge,
        shape,
        limits: spec.limits,
        tenant: spec.tenant,
        service: spec.service,
        heapStatsMaxAgeMs: this.#opts.heapStatsMaxAgeMs,
      });
    } catch (err) {
      if (!isolate.isDisposed) isolate.dispose();
      if (isSoloError(err)) throw err;
      throw new SoloError('internal', `The sandbox could not start service '${spec.service}' of tenant '${spec.tenant}'.`, { cause: err });
    } finally {
      this.#warm?.refill();
    }
  }

  async #loadModule(isolate: ivm.Isolate, context: ivm.Context, spec: SpawnSpec): Promise<ivm.Reference> {
    let module: ivm.Module;
    try {
      module = await isolate.compileModule(spec.code, { filename: `file:///${spec.tenant}/${spec.service}.js` });
    } catch (err) {
      throw rejected(spec, `does not compile in the sandbox (${err instanceof Error ? err.message : String(err)}); deploy source compiled by Solo`);
    }
    const imports = module.dependencySpecifiers;
    if (imports.length > 0) throw rejected(spec, `imports '${imports[0]}'; a service is a single module and reaches others through ctx`);
    await module.instantiate(context, (specifier) => {
      throw rejected(spec, `imports '${specifier}'`);
    });
    try {
      // Top-level await is not waited for (isolated-vm returns once the synchronous part ran), so the timeout
      // bounds evaluation; a module still awaiting fails in #install because its default export is uninitialised.
      await module.evaluate({ timeout: Math.min(spec.limits.cpu_ms, spec.limits.wall_ms) });
    } catch (err) {
      const reason = spec.limits.cpu_ms <= spec.limits.wall_ms ? 'cpu_limit' : 'wall_limit';
      const failure = classifyIsolateFailure(err, { limits: spec.limits, timeoutReason: reason, disposedBy: null });
      throw serviceCrashed({ tenant: spec.tenant, service: spec.service, phase: 'module evaluation' }, failure.reason, failure.error);
    }
    return module.namespace;
  }

  #install(runtime: IsolateRuntime, namespace: ivm.Reference, spec: SpawnSpec): ServiceShape {
    const timeoutMs = Math.min(spec.limits.cpu_ms, spec.limits.wall_ms);
    let tagged: string;
    try {
      tagged = runtime.install.applySync(undefined, [namespace.derefInto()], { timeout: timeoutMs });
    } catch (err) {
      const reason = spec.limits.cpu_ms <= spec.limits.wall_ms ? 'cpu_limit' : 'wall_limit';
      const failure = classifyIsolateFailure(err, { limits: spec.limits, timeoutReason: reason, disposedBy: null });
      throw serviceCrashed({ tenant: spec.tenant, service: spec.service, phase: 'module loading' }, failure.reason, failure.error);
    }
    if (typeof tagged === 'string' && tagged[0] === 'o') return toShape(JSON.parse(tagged.slice(1)));
    throw rejected(spec, typeof tagged === 'string' ? tagged.slice(1) : 'could not be loaded');
  }
}
