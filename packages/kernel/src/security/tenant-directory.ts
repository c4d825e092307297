// Tenant accounts: created, re-limited and deleted by the operator, kept in the kernel state (events
// `tenant_created`, `tenant_limits_set`, `tenant_deleted`). A tenant id the operator acts for without creating
// it runs on the node's default limits and has no credentials of its own.
import { SoloError, TENANT_LIMITS, checkRateLimit, parseTenantId, type EventInput, type ResolvedTenantLimits, type TenantId, type TenantLimits } from '@solo/protocol';
import type { RequestMeta } from '../kernel-types.ts';
import type { KernelState } from '../state/kernel-state.ts';
import { tenantAccount, type TenantAccount } from '../state/security-state.ts';

/** The node's default limits of a tenant. */
export function defaultTenantLimits(): ResolvedTenantLimits {
  return { max_services: TENANT_LIMITS.max_services.default, max_memory_mb: TENANT_LIMITS.max_memory_mb.default, rate: { ...TENANT_LIMITS.rate.default } };
}

/**
 * Resolves wire limits over `base` (defaults when creating, the current limits when changing them).
 * @throws `invalid_request` naming the field out of bounds
 */
export function resolveTenantLimits(limits: unknown, base: ResolvedTenantLimits): ResolvedTenantLimits {
  if (limits === undefined) return { ...base, rate: { ...base.rate } };
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new SoloError('invalid_request', 'limits must be an object {max_services?, max_memory_mb?, rate?}.', { details: { field: 'limits' } });
  }
  const l = limits as TenantLimits & Record<string, unknown>;
  for (const k of Object.keys(l)) {
    if (!['max_services', 'max_memory_mb', 'rate'].includes(k)) throw new SoloError('invalid_request', `Unknown tenant limit '${k}'. Limits: max_services, max_memory_mb, rate.`, { details: { field: `limits.${k}` } });
  }
  const out: ResolvedTenantLimits = { ...base, rate: { ...base.rate } };
  for (const key of ['max_services', 'max_memory_mb'] as const) {
    const v = l[key];
    if (v === undefined) continue;
    const b = TENANT_LIMITS[key];
    if (!Number.isInteger(v) || v < b.min || v > b.max) {
      throw new SoloError('invalid_request', `limits.${key} must be an integer from ${b.min} to ${b.max}; got ${JSON.stringify(v)}.`, { details: { field: `limits.${key}`, min: b.min, max: b.max } });
    }
    out[key] = v;
  }
  if (l.rate !== undefined) out.rate = checkRateLimit(l.rate, 'limits.rate');
  return out;
}

/** Reads and changes tenant accounts through the event journal. */
export class TenantDirectory {
  readonly #state: () => KernelState;
  readonly #append: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<number>;

  constructor(o: { state: () => KernelState; append: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<number> }) {
    this.#state = o.state;
    this.#append = o.append;
  }

  /** The account of a created tenant, or null. */
  get(tenant: string): TenantAccount | null {
    return tenantAccount(this.#state(), tenant);
  }

  /** Every created tenant, by id. */
  list(): Array<{ tenant: string; account: TenantAccount }> {
    const state = this.#state();
    const out: Array<{ tenant: string; account: TenantAccount }> = [];
    for (const tenant of Object.keys(state.tenants).sort()) {
      const account = tenantAccount(state, tenant);
      if (account) out.push({ tenant, account });
    }
    return out;
  }

  /** The limits that apply to `tenant`: its own, or the node's defaults. */
  limitsOf(tenant: string): ResolvedTenantLimits {
    return this.get(tenant)?.limits ?? defaultTenantLimits();
  }

  /** @throws `invalid_request` for a bad id or limits; `already_exists` */
  async create(tenant: unknown, limits: unknown, meta: RequestMeta): Promise<{ tenant: TenantId; account: TenantAccount }> {
    const id = parseTenantId(tenant);
    const resolved = resolveTenantLimits(limits, defaultTenantLimits());
    if (this.get(id)) throw new SoloError('already_exists', `Tenant '${id}' already exists. Change its limits with \`solo tenant set-limits ${id}\`.`, { details: { tenant: id } });
    await this.#append({ type: 'tenant_created', tenant: id, service_id: null, data: { limits: resolved } }, meta);
    return { tenant: id, account: this.get(id) as TenantAccount };
  }

  /** @throws `not_found`; `invalid_request` for bad limits */
  async setLimits(tenant: TenantId, limits: unknown, meta: RequestMeta): Promise<TenantAccount> {
    const account = this.require(tenant);
    const resolved = resolveTenantLimits(limits, account.limits);
    await this.#append({ type: 'tenant_limits_set', tenant, service_id: null, data: { limits: resolved } }, meta);
    return this.get(tenant) as TenantAccount;
  }

  /** Appends `tenant_deleted`; the caller has stopped its services and revoked its tokens first. */
  async markDeleted(tenant: TenantId, data: Record<string, unknown>, meta: RequestMeta): Promise<void> {
    await this.#append({ type: 'tenant_deleted', tenant, service_id: null, data }, meta);
  }

  /** @throws `not_found` */
  require(tenant: TenantId): TenantAccount {
    const account = this.get(tenant);
    if (!account) throw new SoloError('not_found', `Tenant '${tenant}' does not exist. Create it with \`solo tenant create ${tenant}\`; list tenants with \`solo tenant list\`.`, { details: { tenant } });
    return account;
  }
}
