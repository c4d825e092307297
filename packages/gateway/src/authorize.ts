// The one place every door asks "may this request proceed?". Today the tenant comes from the subject and
// nothing is checked; the capability-token check of the security issue goes here, for every door at once.
import { SoloError, parseTenantId, type TenantId } from '@solo/protocol';

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

/** What the REST door reads from an HTTP request to find out who acts. */
export interface RestCredentials {
  tenant: TenantId;
  token: string | undefined;
}

/**
 * The one place the REST door decides which tenant an HTTP request acts for, then asks
 * {@link authorizeRequest} whether it may proceed. The bearer token (`Authorization: Bearer <token>`) is
 * handed to that check. INTERIM (until capability tokens land in #5): the tenant is taken from the
 * `X-Solo-Tenant` header or, for clients that cannot set headers (EventSource), the `?tenant=` query
 * parameter; a bare `X-Tenant-ID` header grants nothing. The token check of #5 replaces this trust.
 * @throws `unauthorized` when no tenant is named; `invalid_request` when it is not a valid id
 */
export function authorizeRestRequest(req: { verb: string; header(name: string): string | undefined; query: Readonly<Record<string, unknown>> }): RestCredentials {
  const named = req.header('x-solo-tenant') ?? (typeof req.query['tenant'] === 'string' ? req.query['tenant'] : undefined);
  if (named === undefined || named === '') {
    throw new SoloError('unauthorized', 'No tenant named: send the X-Solo-Tenant header (or ?tenant=) with your tenant id. X-Tenant-ID is not read.', {
      details: { header: 'X-Solo-Tenant' },
    });
  }
  const tenant = parseTenantId(named);
  const auth = req.header('authorization');
  const token = auth !== undefined && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() || undefined : undefined;
  authorizeRequest({ door: 'rest', tenant, verb: req.verb, token });
  return { tenant, token };
}

/** Who a verified gRPC client certificate names: a tenant, the operator (`admin`), or nothing Solo issued. */
export type GrpcPeer = { kind: 'tenant'; tenant: TenantId } | { kind: 'admin' } | { kind: 'none' };

/**
 * The one place the gRPC door decides which tenant a call acts for, then asks {@link authorizeRequest}
 * whether it may proceed. The tenant comes from the client certificate (verified by the TLS handshake
 * against the node's CA); a request that names another tenant is refused. An empty `tenant` means the
 * certificate's. The token check of #5 applies on top, through {@link authorizeRequest}.
 * @throws `unauthorized` when the certificate names no tenant or a different one; `invalid_request` for a bad id
 */
export function authorizeGrpcRequest(req: { verb: string; peer: GrpcPeer; tenant: string }): TenantId {
  if (req.peer.kind !== 'tenant') {
    throw new SoloError('unauthorized', 'The client certificate names no tenant. Use a certificate from `solo certs issue <tenant>`.', { details: { door: 'grpc' } });
  }
  const tenant = req.tenant === '' ? req.peer.tenant : parseTenantId(req.tenant);
  if (tenant !== req.peer.tenant) {
    throw new SoloError('unauthorized', `The request names tenant '${tenant}' but the client certificate is for '${req.peer.tenant}'. Use that tenant's certificate (\`solo certs issue ${tenant}\`).`, {
      details: { tenant, certificate_tenant: req.peer.tenant },
    });
  }
  authorizeRequest({ door: 'grpc', tenant, verb: req.verb, token: undefined });
  return tenant;
}

/**
 * Admin verbs on the gRPC door (Shutdown): only the operator's certificate (`solo certs issue admin`) may ask.
 * @throws `forbidden` for any other certificate
 */
export function authorizeGrpcAdminRequest(req: { verb: string; peer: GrpcPeer }): void {
  if (req.peer.kind !== 'admin') {
    throw new SoloError('forbidden', `'${req.verb}' is an operator verb: only the admin certificate may call it. Issue one with \`solo certs issue admin\`.`, { details: { verb: req.verb } });
  }
  authorizeAdminRequest({ door: 'grpc', verb: req.verb, token: undefined });
}
