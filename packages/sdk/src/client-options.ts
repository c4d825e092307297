// Options of connectSolo, validated once before any connection is opened.
import { SoloError, parseTenantId } from '@solo/protocol';
import type { TenantId } from '@solo/protocol';
import { loadCredentialsOption, resolveConnectionOptions } from './connection-options.ts';
import type { ConnectionOptions, CredentialsFileReader, ResolvedConnectionOptions } from './connection-options.ts';

/** Options of `connectSolo`: how to connect (see {@link ConnectionOptions}) and the tenant to act for. */
export interface SoloClientOptions extends ConnectionOptions {
  /**
   * The tenant every request acts for.
   * @default the tenant the credentials name; required with the operator's credentials (tenant null) or none
   */
  tenant?: string;
}

/** {@link SoloClientOptions} with every default applied and every id validated. */
export interface ResolvedSoloClientOptions extends ResolvedConnectionOptions {
  tenant: TenantId;
}

/**
 * Validates the options of `connectSolo`, filling them from `opts.credentials`. A credentials path is read
 * with `readCredentials` (connectSolo passes the SDK's `readCredentialsFile`).
 * @throws `invalid_request` naming the offending option: e.g. no tenant with the operator's credentials, or a
 * tenant other than the one the credentials were issued for
 */
export function resolveClientOptions(opts: SoloClientOptions, readCredentials?: CredentialsFileReader): ResolvedSoloClientOptions {
  const creds = loadCredentialsOption(opts.credentials, readCredentials);
  const conn = resolveConnectionOptions(opts, creds);
  const credTenant = creds?.tenant ?? null;
  if (opts.tenant !== undefined && credTenant !== null && opts.tenant !== credTenant) {
    // The credentials' token and NATS user reach only their own tenant: every request would be refused.
    throw new SoloError(
      'invalid_request',
      `Option tenant '${opts.tenant}' differs from the tenant '${credTenant}' the credentials were issued for. Omit tenant, or use credentials of '${opts.tenant}'.`,
      { details: { field: 'tenant' } },
    );
  }
  const tenant = opts.tenant ?? credTenant;
  if (tenant === null) {
    throw new SoloError(
      'invalid_request',
      creds === undefined
        ? 'Option tenant is missing. Pass the tenant to act for (e.g. tenant: "acme"), or credentials that name one.'
        : "Option tenant is missing, and these are the operator's credentials (tenant null), which act for any tenant. Pass the tenant to act for.",
      { details: { field: 'tenant' } },
    );
  }
  return { ...conn, tenant: parseTenantId(tenant) };
}
