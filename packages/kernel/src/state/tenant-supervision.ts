// The tenant's supervision policy as part of the kernel state: `supervisor_policy_set` puts it at
// `state.tenants[tenant].supervision`, next to what other issues keep per tenant. Pure.
import type { Json, SoloEvent, SupervisionPolicy } from '@solo/protocol';
import type { KernelState } from './kernel-state.ts';

/** What the state keeps of a tenant's policy. */
export interface StoredSupervision {
  policy: SupervisionPolicy;
  updated_at: string;
}

function tenantRecord(state: KernelState, tenant: string): Record<string, Json> {
  const t = state.tenants[tenant];
  return typeof t === 'object' && t !== null && !Array.isArray(t) ? t : {};
}

/** Applies a `supervisor_policy_set` event (data `{ policy }`), keeping the tenant's other fields. */
export function applySupervisorPolicySet(state: KernelState, ev: SoloEvent): KernelState {
  const policy = ev.data['policy'];
  if (ev.tenant === null || typeof policy !== 'object' || policy === null) return state;
  state.tenants[ev.tenant] = { ...tenantRecord(state, ev.tenant), supervision: { policy: policy as Json, updated_at: ev.at } };
  return state;
}

/** The policy a tenant set, or null while it runs on the defaults. */
export function tenantSupervision(state: KernelState, tenant: string): StoredSupervision | null {
  const s = tenantRecord(state, tenant)['supervision'];
  return typeof s === 'object' && s !== null && !Array.isArray(s) ? (s as unknown as StoredSupervision) : null;
}

/** Every tenant with a policy of its own, for recovery. */
export function tenantsWithSupervision(state: KernelState): Array<[string, StoredSupervision]> {
  const out: Array<[string, StoredSupervision]> = [];
  for (const tenant of Object.keys(state.tenants).sort()) {
    const s = tenantSupervision(state, tenant);
    if (s) out.push([tenant, s]);
  }
  return out;
}
