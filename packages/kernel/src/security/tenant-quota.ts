// A tenant's room for services: how many it runs and how much memory their limits reserve, against its
// limits. Deploys in flight hold a reservation, so two concurrent deploys cannot both take the last slot.
import { SoloError, type ResolvedTenantLimits } from '@solo/protocol';
import type { KernelState } from '../state/kernel-state.ts';

/** What a tenant uses now. */
export interface TenantUsage {
  services: number;
  memory_mb: number;
}

/** Counts services and reserved memory per tenant. */
export class TenantQuota {
  readonly #state: () => KernelState;
  readonly #limitsOf: (tenant: string) => ResolvedTenantLimits;
  readonly #pending = new Map<string, TenantUsage>();

  constructor(o: { state: () => KernelState; limitsOf: (tenant: string) => ResolvedTenantLimits }) {
    this.#state = o.state;
    this.#limitsOf = o.limitsOf;
  }

  /** Services and memory the tenant's deployed services hold (deploys in flight not included). */
  usage(tenant: string): TenantUsage {
    let services = 0;
    let memory = 0;
    for (const r of Object.values(this.#state().services)) {
      if (r.tenant !== tenant) continue;
      services++;
      memory += r.limits.memory_mb;
    }
    return { services, memory_mb: memory };
  }

  /** Reserves one service of `memoryMb`; returns its release. @throws `limit_exceeded` naming the limit */
  reserve(tenant: string, memoryMb: number): () => void {
    const limits = this.#limitsOf(tenant);
    const used = this.usage(tenant);
    const pending = this.#pending.get(tenant) ?? { services: 0, memory_mb: 0 };
    if (used.services + pending.services + 1 > limits.max_services) {
      throw new SoloError('limit_exceeded', `Tenant '${tenant}' already runs ${used.services} of its ${limits.max_services} services. Kill one, or ask the operator to raise max_services.`, {
        details: { limit: 'max_services', used: used.services, max: limits.max_services },
      });
    }
    if (used.memory_mb + pending.memory_mb + memoryMb > limits.max_memory_mb) {
      throw new SoloError(
        'limit_exceeded',
        `Tenant '${tenant}' has ${used.memory_mb} MiB of its ${limits.max_memory_mb} MiB reserved by its services; this one asks for ${memoryMb} MiB. Lower limits.memory_mb, kill a service, or ask the operator to raise max_memory_mb.`,
        { details: { limit: 'max_memory_mb', used: used.memory_mb, requested: memoryMb, max: limits.max_memory_mb } },
      );
    }
    pending.services++;
    pending.memory_mb += memoryMb;
    this.#pending.set(tenant, pending);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      pending.services--;
      pending.memory_mb -= memoryMb;
      if (pending.services === 0) this.#pending.delete(tenant);
    };
  }
}
