// The one place every door asks "may this request proceed?". Each door only extracts what it was given — the
// token (NATS header, HTTP bearer, gRPC metadata), the tenant its transport names (subject, client
// certificate) — and hands it to the kernel's check (`NodeSecurity`): token signature, tenant, permission,
// service pattern, expiry, revocation, rate limits. No door trusts a tenant id that a client merely states.
import {
  OPERATOR_TENANT,
  SoloError,
  TENANT_PERMISSIONS,
  parseTenantId,
  type ApiVerb,
  type Capability,
  type TenantId,
} from '@solo/protocol';
import type { Kernel, Principal, RequestMeta, ServiceCapability } from '@solo/kernel';

/** What a door knows about a tenant API request. */
export interface DoorRequest {
  door: 'nats' | 'grpc' | 'rest';
  tenant: TenantId;
  verb: ApiVerb;
  token: string | undefined;
  /** The service the request names, when it names one. */
  service?: string | undefined;
}

/**
 * Verifies and authorizes a tenant API request.
 * @throws `unauthorized`, `forbidden`, `rate_limited` (and records the denial)
 */
export function authorizeRequest(kernel: Kernel, req: DoorRequest, meta: RequestMeta): Principal {
  return kernel.security.authorize(req, meta);
}

/**
 * Verifies an operator request: the token must carry `admin`.
 * @throws `unauthorized`, `forbidden`
 */
export function authorizeAdminRequest(kernel: Kernel, req: { door: 'nats' | 'grpc' | 'rest'; verb: string; token: string | undefined }, meta: RequestMeta): Capability {
  return kernel.security.authorizeAdmin(req, meta);
}

/** What a service deployed by `principal` may do through `ctx`: the deployer's permissions and services. */
export function deployCapability(principal: Principal): ServiceCapability {
  const perms = principal.cap.perms.has('admin') ? [...TENANT_PERMISSIONS] : [...principal.cap.perms];
  return { permissions: perms, services: principal.cap.services.map((l) => [...l]) };
}

/**
 * A follow's inbox must be one the caller's NATS user may subscribe to: a tenant's own inbox prefix
 * (`_INBOX_<tenant>.`). The operator may name any inbox.
 * @throws `forbidden`
 */
export function checkFollowInbox(principal: Principal, inbox: string): void {
  if (principal.admin) return;
  const prefix = `_INBOX_${principal.tenant}.`;
  if (!inbox.startsWith(prefix)) {
    throw new SoloError('forbidden', `A follow must deliver to your own inbox: its subject must start with '${prefix}' (connect with inboxPrefix '_INBOX_${principal.tenant}').`, {
      details: { reason: 'foreign_inbox', field: 'inbox' },
    });
  }
}

/** The bearer token of an HTTP request (`Authorization: Bearer <token>`), or undefined. */
export function bearerToken(header: (name: string) => string | undefined): string | undefined {
  const auth = header('authorization');
  if (auth === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  return m ? m[1] : undefined;
}

/** The tenant a token's root block names, unverified (the verify that follows decides). */
function tokenTenant(token: string): string | undefined {
  const block = token.split('.')[1];
  if (block === undefined || block.length > 4096) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(block, 'base64url').toString('utf8')) as { tenant?: unknown };
    return typeof claims.tenant === 'string' ? claims.tenant : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The REST door: the tenant comes from the bearer token itself. The operator's token (which acts for every
 * tenant) names the tenant with `X-Solo-Tenant` (or `?tenant=` for clients that cannot set headers).
 * `X-Tenant-ID` grants nothing. Streams (EventSource cannot set headers) may pass the token as `?access_token=`.
 * @throws `unauthorized` (no or bad token), `invalid_request` (bad tenant id), `forbidden`, `rate_limited`
 */
export function authorizeRestRequest(
  kernel: Kernel,
  req: { verb: ApiVerb; header(name: string): string | undefined; query: Readonly<Record<string, unknown>>; service?: string | undefined; allowQueryToken?: boolean },
  meta: RequestMeta,
): Principal {
  const fromQuery = req.allowQueryToken === true && typeof req.query['access_token'] === 'string' ? req.query['access_token'] : undefined;
  const token = bearerToken(req.header) ?? fromQuery;
  if (token === undefined) {
    // Verify reports the missing token (and records the denial) with the one message every door uses.
    kernel.security.tokens.verify(undefined);
  }
  const named = req.header('x-solo-tenant') ?? (typeof req.query['tenant'] === 'string' ? req.query['tenant'] : undefined);
  const own = tokenTenant(token as string);
  // A token whose tenant cannot be read is malformed: report it as such, not as a request naming no tenant.
  if (own === undefined) kernel.security.tokens.verify(token);
  const tenant = parseTenantId(own !== undefined && own !== OPERATOR_TENANT ? (named ?? own) : (named ?? ''));
  return kernel.security.authorize({ door: 'rest', verb: req.verb, tenant, token, service: req.service }, meta);
}

/** Who a verified gRPC client certificate names: a tenant, the operator (`admin`), or nothing Solo issued. */
export type GrpcPeer = { kind: 'tenant'; tenant: TenantId } | { kind: 'admin' } | { kind: 'none' };

/**
 * The gRPC door: the tenant comes from the client certificate (verified by the TLS handshake against the
 * node's CA); the token (metadata `authorization: Bearer <token>`) must be for that same tenant. The operator's
 * certificate acts for the tenant the request names, with the operator's token. An empty `tenant` means the
 * certificate's.
 * @throws `unauthorized` when the certificate names no tenant, another tenant than the request or the token;
 * `invalid_request` for a bad id; `forbidden`, `rate_limited`
 */
export function authorizeGrpcRequest(
  kernel: Kernel,
  req: { verb: ApiVerb; peer: GrpcPeer; tenant: string; token: string | undefined; service?: string | undefined },
  meta: RequestMeta,
): Principal {
  if (req.peer.kind === 'none') {
    throw new SoloError('unauthorized', 'The client certificate names no tenant. Use a certificate from `solo certs issue <tenant>`.', { details: { door: 'grpc', reason: 'no_certificate_tenant' } });
  }
  let tenant: TenantId;
  if (req.peer.kind === 'admin') {
    if (req.tenant === '') throw new SoloError('invalid_request', 'The admin certificate acts for every tenant: name one in the request (field tenant).', { details: { field: 'tenant' } });
    tenant = parseTenantId(req.tenant);
  } else {
    tenant = req.tenant === '' ? req.peer.tenant : parseTenantId(req.tenant);
    if (tenant !== req.peer.tenant) {
      throw new SoloError('unauthorized', `The request names tenant '${tenant}' but the client certificate is for '${req.peer.tenant}'. Use that tenant's certificate (\`solo certs issue ${tenant}\`).`, {
        details: { tenant, certificate_tenant: req.peer.tenant, reason: 'certificate_tenant_mismatch' },
      });
    }
  }
  const principal = kernel.security.authorize({ door: 'grpc', verb: req.verb, tenant, token: req.token, service: req.service }, meta);
  if (req.peer.kind === 'tenant' && principal.cap.tenant !== req.peer.tenant) {
    throw new SoloError('unauthorized', `The token acts for '${principal.cap.tenant}' but the client certificate is for '${req.peer.tenant}'. Present a token and a certificate of the same tenant.`, {
      details: { reason: 'certificate_token_mismatch', certificate_tenant: req.peer.tenant, token_tenant: principal.cap.tenant },
    });
  }
  return principal;
}

/**
 * Operator verbs on the gRPC door (Shutdown): the operator's certificate (`solo certs issue admin`) and the
 * admin token.
 * @throws `forbidden` for any other certificate; `unauthorized`/`forbidden` for the token
 */
export function authorizeGrpcAdminRequest(kernel: Kernel, req: { verb: string; peer: GrpcPeer; token: string | undefined }, meta: RequestMeta): Capability {
  if (req.peer.kind !== 'admin') {
    throw new SoloError('forbidden', `'${req.verb}' is an operator verb: only the admin certificate may call it. Issue one with \`solo certs issue admin\`.`, { details: { verb: req.verb } });
  }
  return kernel.security.authorizeAdmin({ door: 'grpc', verb: req.verb, token: req.token }, meta);
}
