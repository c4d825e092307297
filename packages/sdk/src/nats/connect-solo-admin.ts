// The NATS implementation of SoloAdminClient: operator verbs as requests on `solo.admin.api.<verb>`.
import type { NatsConnection } from 'nats';
import { adminApiSubject, parseTenantId } from '@solo/protocol';
import type {
  AuditExportReply,
  AuditExportRequest,
  HealthReply,
  MasterKeyRotateReply,
  NatsCredentialsWire,
  TenantCreateReply,
  TenantCreateRequest,
  TenantDeleteReply,
  TenantInfo,
  TenantLimits,
} from '@solo/protocol';
import { resolveAdminClientOptions } from '../admin-client-options.ts';
import type { ResolvedSoloAdminClientOptions, SoloAdminClientOptions } from '../admin-client-options.ts';
import type { AdminVerbTypes } from '../api-types.ts';
import { readCredentialsFile } from '../fs/credentials-file.ts';
import { checkAuditExport, checkTenantLimits } from '../security-checks.ts';
import type { SoloAdminClient } from '../solo-admin-client.ts';
import { openNatsConnection } from './nats-connection.ts';
import { NatsRequester } from './nats-requester.ts';

/**
 * Connects to the NATS of a Solo node as its operator: the admin token (given, or from the operator's
 * credentials, `<data-dir>/operator.credentials.json` on the node) is sent with every request.
 * @throws `invalid_request` for bad options (no token, a tenant's credentials), `unavailable`, `unauthorized`
 */
export async function connectSoloAdmin(opts: SoloAdminClientOptions): Promise<SoloAdminClient> {
  const resolved = resolveAdminClientOptions(opts, readCredentialsFile);
  return new NatsSoloAdminClient(await openNatsConnection(resolved), resolved);
}

/** A {@link SoloAdminClient} over one NATS connection. */
class NatsSoloAdminClient implements SoloAdminClient {
  readonly #nc: NatsConnection;
  readonly #opts: ResolvedSoloAdminClientOptions;
  readonly #requester: NatsRequester;

  constructor(nc: NatsConnection, opts: ResolvedSoloAdminClientOptions) {
    this.#nc = nc;
    this.#opts = opts;
    this.#requester = new NatsRequester(nc, { natsUrl: opts.natsUrl, tenant: null, token: opts.token });
  }

  async health(): Promise<HealthReply> {
    return this.#admin('health', {});
  }

  async createTenant(tenant: string, limits?: TenantLimits): Promise<TenantCreateReply> {
    const req: TenantCreateRequest = { tenant: parseTenantId(tenant) };
    if (limits !== undefined) req.limits = checkTenantLimits(limits);
    return this.#admin('tenant_create', req);
  }

  async listTenants(): Promise<TenantInfo[]> {
    return (await this.#admin('tenant_list', {})).tenants;
  }

  async showTenant(tenant: string): Promise<TenantInfo> {
    return (await this.#admin('tenant_show', { tenant: parseTenantId(tenant) })).tenant;
  }

  async setTenantLimits(tenant: string, limits: TenantLimits): Promise<TenantInfo> {
    return (await this.#admin('tenant_set_limits', { tenant: parseTenantId(tenant), limits: checkTenantLimits(limits) })).tenant;
  }

  async deleteTenant(tenant: string): Promise<TenantDeleteReply> {
    return this.#admin('tenant_delete', { tenant: parseTenantId(tenant) });
  }

  async rotateTenantNats(tenant: string): Promise<NatsCredentialsWire> {
    return (await this.#admin('tenant_rotate_nats', { tenant: parseTenantId(tenant) })).nats;
  }

  async exportAudit(req: AuditExportRequest = {}): Promise<AuditExportReply> {
    return this.#admin('audit_export', checkAuditExport(req));
  }

  async rotateMasterKey(): Promise<MasterKeyRotateReply> {
    return this.#admin('secrets_rotate_master', {});
  }

  async shutdown(): Promise<{ stopping: boolean }> {
    return this.#admin('shutdown', {});
  }

  async close(): Promise<void> {
    if (this.#nc.isClosed()) return;
    await this.#nc.close();
  }

  #admin<V extends keyof AdminVerbTypes>(verb: V, body: AdminVerbTypes[V]['request']): Promise<AdminVerbTypes[V]['reply']> {
    return this.#requester.request(adminApiSubject(verb), body, { timeoutMs: this.#opts.requestTimeoutMs, what: `Operator request '${verb}'` });
  }
}
