// What a service's `ctx` reaches: the kernel's local paths for call/cast (never through NATS inside a node),
// its log stream and event log, timers (volatile in the actor cell, durable in the kernel), links and monitors.
import type { ActorHost } from '@solo/actor-core';
import type { Json } from '@solo/protocol';
import type { Kernel } from './kernel.ts';
import type { ServiceEntry } from './service-entry.ts';

/** Builds the host side of `ctx` for one service. Calls and casts stay inside the service's tenant. */
export function createActorHost(kernel: Kernel, entry: ServiceEntry): ActorHost {
  return {
    log: (level, message, data) => kernel.logFromService(entry, level, message, data),
    call: (target: string, message: Json, opts: { timeoutMs: number }) => kernel.call(entry.tenant, kernel.parseTarget(target), message, opts),
    cast: async (target: string, message: Json) => {
      await kernel.cast(entry.tenant, kernel.parseTarget(target), message, {});
    },
    emit: (type, payload) => kernel.emitFromService(entry, type, payload),
    setTimer: (ms, message, opts) => kernel.setTimerFromService(entry, ms, message, opts),
    cancelTimer: (id) => kernel.cancelTimerFromService(entry, id),
    monitor: (target) => kernel.exitSignals.monitor(entry, kernel.parseTarget(target)),
    demonitor: (ref) => kernel.exitSignals.demonitor(entry, ref),
    link: (target) => kernel.exitSignals.link(entry, kernel.parseTarget(target)),
    unlink: (target) => kernel.exitSignals.unlink(entry, kernel.parseTarget(target)),
    exit: (reason) => entry.actor.requestExit(reason),
  };
}
