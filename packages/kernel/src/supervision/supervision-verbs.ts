// The tenant-level supervision verbs of the kernel: `supervision` (read or change the tenant's policy, kept as
// a `supervisor_policy_set` event so it survives restarts) and `tree` (the tenant's live supervision tree).
import type { EventInput, SupervisionPolicy, SupervisionReply, SupervisionRequest, TenantId, TreeReply } from '@solo/protocol';
import { DEFAULT_TENANT_POLICY, type SupervisorTree } from '@solo/supervisor';
import type { RequestMeta } from '../kernel-types.ts';
import type { KernelState } from '../state/kernel-state.ts';
import { tenantSupervision } from '../state/tenant-supervision.ts';
import { isPolicyRead, mergePolicy, policyInput, policyToWire } from './supervision-options.ts';
import { treeReply } from './tree-reply.ts';

/** What the supervision verbs need from the kernel. */
export interface SupervisionVerbsPort {
  accepting(): Promise<void>;
  state(): KernelState;
  tree(): SupervisorTree;
  append(ev: Omit<EventInput, 'at'>, meta: RequestMeta): Promise<number>;
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** `supervision` and `tree` for one node. */
export class SupervisionVerbs {
  readonly #p: SupervisionVerbsPort;

  constructor(port: SupervisionVerbsPort) {
    this.#p = port;
  }

  /** The tenant's policy: the one it set, or the defaults. */
  policyOf(tenant: TenantId): SupervisionPolicy {
    return tenantSupervision(this.#p.state(), tenant)?.policy ?? policyToWire(DEFAULT_TENANT_POLICY);
  }

  /**
   * Reads the tenant's policy (empty request) or changes the fields given, appends `supervisor_policy_set` and
   * applies the result to the live tree at once.
   * @throws `invalid_request` when the resulting policy is out of range; `unavailable` while the node recovers.
   */
  async policy(tenant: TenantId, req: SupervisionRequest, meta: RequestMeta): Promise<SupervisionReply> {
    await this.#p.accepting();
    if (isPolicyRead(req)) {
      const stored = tenantSupervision(this.#p.state(), tenant);
      return { tenant, policy: this.policyOf(tenant), updated_at: stored?.updated_at ?? null, event_seq: null };
    }
    // One change at a time per tenant, so two concurrent changes cannot both merge into the same old policy.
    return this.#p.withLock(`${tenant}/#supervision`, async () => {
      const policy = mergePolicy(this.policyOf(tenant), req);
      const seq = await this.#p.append({ type: 'supervisor_policy_set', tenant, service_id: null, data: { policy } }, meta);
      this.#p.tree().setTenantPolicy(tenant, policyInput(policy));
      const stored = tenantSupervision(this.#p.state(), tenant);
      return { tenant, policy, updated_at: stored?.updated_at ?? null, event_seq: seq };
    });
  }

  /** The tenant's live supervision tree: its policy and each service's child state, in deploy order. */
  async tree(tenant: TenantId): Promise<TreeReply> {
    await this.#p.accepting();
    return treeReply(this.#p.tree().snapshot(), tenant, this.policyOf(tenant));
  }
}
