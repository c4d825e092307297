// What a sandbox host process does: runs the in-process IsolateSandbox for the kernel's process, one isolate
// per actor, answering spawn/invoke/dispose requests and reporting heap sizes. Wired to IPC by sandbox-host-main.ts.
import { execFile } from 'node:child_process';
import { SoloError, isSoloError, toWireError, type Json } from '@solo/protocol';
import { IsolateSandbox, type IsolateSandboxOptions } from '../isolate/isolate-sandbox.ts';
import type { SandboxedActor } from '../sandbox.ts';
import { HostCallClient } from './host-call-client.ts';
import type { CastBatchReply, HostMessage, HostRequest, InvokeMethod, SpawnedReply } from './sandbox-wire.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a {@link SandboxHost} needs from its process. */
export interface SandboxHostParts {
  isolate: IsolateSandboxOptions;
  /** The descriptor of the host-call channel. */
  hostCallFd: number;
  /** The prlimit program (raises this process's data limit when the kernel asks); null without one. */
  prlimit: string | null;
  /** An error that is not a SoloError: the kernel gets `internal`, so its details are only logged here. */
  logUnexpected(err: unknown): void;
}

/**
 * The casts one after another, stopping at the first that fails (the isolate is then disposed), or after one whose
 * handler called ctx.exit (`exited`): the actor ends after that handler, as it would between single casts.
 */
async function handleCasts(inst: SandboxedActor, messages: Json[], exited: () => boolean): Promise<CastBatchReply> {
  let handled = 0;
  exited();
  for (const m of messages) {
    try {
      await inst.handleCast(m);
    } catch (err) {
      return { handled, error: toWireError(err) };
    }
    handled += 1;
    if (exited()) break;
  }
  return { handled };
}

function invoke(inst: SandboxedActor, method: InvokeMethod, args: Json[], exited: () => boolean): Promise<unknown> {
  const [a = null, b = null] = args;
  switch (method) {
    case 'init':
      return inst.init(a);
    case 'handleCall':
      return inst.handleCall(a);
    case 'handleCast':
      return inst.handleCast(a);
    case 'handleCasts':
      return handleCasts(inst, Array.isArray(a) ? a : [], exited);
    case 'handleInfo':
      return inst.handleInfo(a);
    case 'codeChange':
      return inst.codeChange(a, typeof b === 'string' ? b : '');
    case 'terminate':
      return inst.terminate(a);
    case 'getState':
      return inst.getState();
    case 'setState':
      return inst.setState(a);
  }
}

/** The actors of one sandbox host process. */
export class SandboxHost {
  readonly #sandbox: IsolateSandbox;
  readonly #hosts: HostCallClient;
  readonly #prlimit: string | null;
  readonly #logUnexpected: (err: unknown) => void;
  readonly #actors = new Map<number, SandboxedActor>();
  /** Heap sizes last reported, so that periodic reports carry only changes. */
  readonly #reported = new Map<number, number>();

  constructor(parts: SandboxHostParts) {
    this.#sandbox = new IsolateSandbox(parts.isolate);
    this.#hosts = new HostCallClient(parts.hostCallFd);
    this.#prlimit = parts.prlimit;
    this.#logUnexpected = parts.logUnexpected;
  }

  /** Handles one request from the kernel's process. */
  receive(request: HostRequest): void {
    switch (request.t) {
      case 'spawn':
        void this.#spawn(request.id, request.actor, request);
        return;
      case 'invoke':
        void this.#invoke(request.id, request.actor, request.method, request.args);
        return;
      case 'data-limit':
        void this.#raiseDataLimit(request.id, request.bytes);
        return;
      case 'dispose':
        this.#actors.get(request.actor)?.dispose();
        this.#forget(request.actor);
        return;
      case 'settle':
        this.#hosts.settle(
          request.call,
          request.ok ? { ok: true, value: request.value } : { ok: false, error: request.error },
        );
        return;
    }
  }

  /** Sends the heap sizes that changed since the last report. */
  reportHeap(): void {
    const changed: Array<[number, number]> = [];
    for (const [actor, inst] of this.#actors) {
      const bytes = inst.heapBytes();
      if (this.#reported.get(actor) === bytes) continue;
      this.#reported.set(actor, bytes);
      changed.push([actor, bytes]);
    }
    if (changed.length > 0) this.#hosts.send({ t: 'heap', actors: changed });
  }

  async #spawn(id: number, actor: number, request: Extract<HostRequest, { t: 'spawn' }>): Promise<void> {
    try {
      const inst = await this.#sandbox.spawn(request.spec, this.#hosts.hostFor(actor));
      this.#actors.set(actor, inst);
      const value: SpawnedReply = { shape: inst.shape };
      this.#reply({ id, ok: true, value, heap: this.#heapOf(actor, inst), disposed: false });
    } catch (err) {
      this.#reply({ id, ok: false, error: this.#wire(err), heap: 0, disposed: true });
    }
  }

  async #invoke(id: number, actor: number, method: InvokeMethod, args: Json[]): Promise<void> {
    const inst = this.#actors.get(actor);
    if (inst === undefined) {
      const error = new SoloError(
        'internal',
        `The sandbox host has no actor #${actor} for ${method}; it was disposed.`,
      );
      this.#reply({ id, ok: false, error: toWireError(error), heap: 0, disposed: true });
      return;
    }
    try {
      const value = await invoke(inst, method, args, () => this.#hosts.takeExit(actor));
      this.#reply({ id, ok: true, value, heap: this.#heapOf(actor, inst), disposed: inst.disposed });
    } catch (err) {
      this.#reply({ id, ok: false, error: this.#wire(err), heap: this.#heapOf(actor, inst), disposed: inst.disposed });
    }
    if (inst.disposed) this.#forget(actor);
  }

  // Only the process itself may move its limit: the kernel's process may lack CAP_SYS_RESOURCE, and this one may
  // run as another user. The soft limit moves; the hard one was left open at launch.
  async #raiseDataLimit(id: number, bytes: number): Promise<void> {
    const prlimit = this.#prlimit;
    try {
      if (prlimit === null) throw new SoloError('unavailable', 'This sandbox host process has no prlimit to raise its data limit with.');
      await new Promise<void>((resolve, reject) => {
        execFile(prlimit, ['--pid', String(process.pid), `--data=${bytes}:unlimited`], { timeout: 5000 }, (err, _out, stderr) =>
          err === null ? resolve() : reject(new SoloError('unavailable', `prlimit failed: ${String(stderr).trim() || err.message}`)),
        );
      });
      this.#reply({ id, ok: true, value: null, heap: 0, disposed: false });
    } catch (err) {
      this.#reply({ id, ok: false, error: this.#wire(err), heap: 0, disposed: false });
    }
  }

  #reply(reply: DistributiveOmit<Extract<HostMessage, { t: 'reply' }>, 't'>): void {
    this.#hosts.send({ t: 'reply', ...reply } as Extract<HostMessage, { t: 'reply' }>);
  }

  #wire(err: unknown): ReturnType<typeof toWireError> {
    if (!isSoloError(err)) this.#logUnexpected(err);
    return toWireError(err);
  }

  #heapOf(actor: number, inst: SandboxedActor): number {
    const bytes = inst.disposed ? 0 : inst.heapBytes();
    this.#reported.set(actor, bytes);
    return bytes;
  }

  #forget(actor: number): void {
    this.#hosts.takeExit(actor);
    this.#actors.delete(actor);
    this.#reported.delete(actor);
  }
}
