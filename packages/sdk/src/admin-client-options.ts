// Options of connectSoloAdmin: a connection like connectSolo's, with the operator's token required.
import { SoloError } from '@solo/protocol';
import { loadCredentialsOption, resolveConnectionOptions } from './connection-options.ts';
import type { ConnectionOptions, CredentialsFileReader, ResolvedConnectionOptions } from './connection-options.ts';

/** Options of `connectSoloAdmin`. The token (given, or from the operator's credentials) is required. */
export type SoloAdminClientOptions = ConnectionOptions;

/** {@link SoloAdminClientOptions} with the credentials applied; the token is always set. */
export interface ResolvedSoloAdminClientOptions extends ResolvedConnectionOptions {
  token: string;
}

/**
 * Validates the options of `connectSoloAdmin`.
 * @throws `invalid_request` naming the offending option: no token, or a tenant's credentials (their token
 * cannot carry `admin`)
 */
export function resolveAdminClientOptions(opts: SoloAdminClientOptions, readCredentials?: CredentialsFileReader): ResolvedSoloAdminClientOptions {
  const creds = loadCredentialsOption(opts.credentials, readCredentials);
  if (opts.token === undefined && creds !== undefined && creds.tenant !== null) {
    throw new SoloError(
      'invalid_request',
      `These credentials are tenant '${creds.tenant}''s; operator verbs need the operator's admin token. Use the operator's credentials (<data-dir>/operator.credentials.json on the node) or pass the admin token.`,
      { details: { field: 'credentials' } },
    );
  }
  const conn = resolveConnectionOptions(opts, creds);
  if (conn.token === undefined) {
    throw new SoloError(
      'invalid_request',
      "Option token is missing: operator verbs need the admin token. Pass it, or the operator's credentials (<data-dir>/operator.credentials.json on the node).",
      { details: { field: 'token' } },
    );
  }
  return { ...conn, token: conn.token };
}
