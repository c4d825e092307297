// What a service's `ctx` reaches: the kernel's local paths for call/cast (never through NATS inside a node),
// its log stream and event log, timers (volatile in the actor cell, durable in the kernel), links and monitors.
import type { ActorHost } from '@solo/actor-core';
import type { Capability, Json, TenantId } from '@solo/protocol';
import { serviceCapability } from './security/service-capability.ts';
import type { Kernel } from './kernel.ts';
import type { ServiceEntry } from './service-entry.ts';

/**
 * Builds the host side of `ctx` for one service. Calls and casts stay inside the service's tenant, and the
 * service acts with the capability it was deployed with (`call`, `cast`, `secrets:read` on matching services).
 */
export function createActorHost(kernel: Kernel, entry: ServiceEntry): ActorHost {
  // The record is set once the deploy commits; a service's init runs before that, with its draft's capability.
  const from = (): { tenant: TenantId; service: string; cap: Capability | null } => ({
    tenant: entry.tenant,
    service: entry.service,
    cap: entry.record ? serviceCapability(entry.tenant, entry.service, entry.record.options) : (entry.draftCapability ?? null),
  });
  return {
    log: (level, message, data) => kernel.logFromService(entry, level, message, data),
    call: async (target: string, message: Json, opts: { timeoutMs: number }) => {
      const to = kernel.parseTarget(target);
      kernel.security.authorizeService(from(), 'call', to);
      // Nested: the handler waiting on it is admitted work; shedding it would only waste that work.
      return kernel.call(entry.tenant, to, message, { ...opts, nested: true });
    },
    cast: async (target: string, message: Json) => {
      const to = kernel.parseTarget(target);
      kernel.security.authorizeService(from(), 'cast', to);
      await kernel.cast(entry.tenant, to, message, {});
    },
    secret: async (name: string) => kernel.secretFromService(entry, from().cap, name),
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
