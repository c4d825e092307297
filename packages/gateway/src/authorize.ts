// The one place every door asks "may this request proceed?". Today the tenant comes from the subject and
// nothing is checked; the capability-token check of the security issue goes here, for every door at once.
import type { TenantId } from '@solo/protocol';

/** What a door knows about a request when it asks for authorization. */
export interface AuthorizationRequest {
  door: 'nats' | 'grpc' | 'rest';
  tenant: TenantId;
  verb: string;
  token: string | undefined;
}

/**
 * Decides whether a request may proceed.
 * TODO(#5): verify the capability token (signature, tenant, permission, expiry, revocation, rate limit) and
 * throw `unauthorized` / `forbidden` / `rate_limited`.
 */
export function authorizeRequest(_req: AuthorizationRequest): void {}

/**
 * Decides whether an operator (admin) request may proceed.
 * TODO(#5): require a token with the `admin` permission; until then the admin subjects are as open as the rest.
 */
export function authorizeAdminRequest(_req: { door: 'nats' | 'grpc' | 'rest'; verb: string; token: string | undefined }): void {}
