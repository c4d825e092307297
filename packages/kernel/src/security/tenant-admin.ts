// The operator's tenant verbs, end to end: an account with limits, the tenant's own token and (when the node
// manages NATS users) NATS credentials that reach only the tenant's subjects; deletion undoes all of it.
import {
  SoloError,
  TENANT_PERMISSIONS,
  type Capability,
  type NatsCredentialsWire,
  type SoloCredentials,
  type TenantCreateReply,
  type TenantDeleteReply,
  type TenantId,
  type TenantInfo,
} from '@solo/protocol';
import type { RequestMeta } from '../kernel-types.ts';
import type { TenantAccount } from '../state/security-state.ts';
import type { NodeSecurity } from './node-security.ts';
import type { SecretVerbs } from './secret-verbs.ts';
import type { TenantUsage } from './tenant-quota.ts';

/** NATS users of tenants, when the node manages them (the embedded server); absent with an external NATS. */
export interface TenantNatsUsers {
  add(tenant: TenantId): Promise<NatsCredentialsWire>;
  rotate(tenant: TenantId): Promise<NatsCredentialsWire>;
  remove(tenant: TenantId): Promise<void>;
}

/** What {@link TenantAdmin} needs from the kernel. */
export interface TenantAdminDeps {
  security: NodeSecurity;
  secrets: SecretVerbs;
  usage: (tenant: TenantId) => TenantUsage;
  /** Kills every service of the tenant; returns how many. */
  killAll: (tenant: TenantId, meta: RequestMeta) => Promise<number>;
  natsUsers: () => TenantNatsUsers | null;
  natsUrl: () => string | undefined;
}

/** Tenant create/list/show/set-limits/delete. */
export class TenantAdmin {
  readonly #d: TenantAdminDeps;

  constructor(d: TenantAdminDeps) {
    this.#d = d;
  }

  #info(tenant: string, account: TenantAccount): TenantInfo {
    return { tenant, limits: account.limits, created_at: account.created_at, usage: this.#d.usage(tenant as TenantId) };
  }

  /** @throws `invalid_request`, `already_exists` */
  async create(tenant: unknown, limits: unknown, meta: RequestMeta): Promise<TenantCreateReply> {
    const { tenant: id, account } = await this.#d.security.tenants.create(tenant, limits, meta);
    const { token } = await this.#d.security.tokens.mint({ tenant: id, permissions: [...TENANT_PERMISSIONS], label: 'tenant token' }, meta);
    const users = this.#d.natsUsers();
    const credentials: SoloCredentials = { kind: 'solo-credentials', version: 1, tenant: id, token };
    const url = this.#d.natsUrl();
    if (url !== undefined) credentials.nats_url = url;
    if (users !== null) credentials.nats = await users.add(id);
    return { tenant: this.#info(id, account), credentials };
  }

  list(): TenantInfo[] {
    return this.#d.security.tenants.list().map((t) => this.#info(t.tenant, t.account));
  }

  /** @throws `not_found` */
  show(tenant: TenantId): TenantInfo {
    return this.#info(tenant, this.#d.security.tenants.require(tenant));
  }

  /** @throws `not_found`, `invalid_request` */
  async setLimits(tenant: TenantId, limits: unknown, meta: RequestMeta): Promise<TenantInfo> {
    return this.#info(tenant, await this.#d.security.tenants.setLimits(tenant, limits, meta));
  }

  /** New NATS credentials for the tenant's agents; the old ones stop working. @throws `not_found`, `unavailable` */
  async rotateNats(tenant: TenantId): Promise<NatsCredentialsWire> {
    this.#d.security.tenants.require(tenant);
    const users = this.#d.natsUsers();
    if (users === null) throw new SoloError('unavailable', 'This node does not manage NATS users (it runs on an external NATS): rotate the credentials there.');
    return users.rotate(tenant);
  }

  /** Stops the tenant's services, revokes its tokens, deletes its secrets and NATS user, then the account. @throws `not_found` */
  async delete(by: Capability, tenant: TenantId, meta: RequestMeta): Promise<TenantDeleteReply> {
    this.#d.security.tenants.require(tenant);
    const services = await this.#d.killAll(tenant, meta);
    const tokens = await this.#d.security.tokens.revokeTenant(by, tenant, meta);
    const secrets = this.#d.secrets.deleteTenant(tenant);
    await this.#d.natsUsers()?.remove(tenant);
    await this.#d.security.tenants.markDeleted(tenant, { services_killed: services, tokens_revoked: tokens, secrets_deleted: secrets }, meta);
    this.#d.security.forgetTenant(tenant);
    return { tenant, deleted: true, services_killed: services, tokens_revoked: tokens, secrets_deleted: secrets };
  }
}
