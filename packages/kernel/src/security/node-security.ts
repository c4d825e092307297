// The one check every door and `ctx` make: who is asking (a verified capability token), for which tenant,
// to do what to which service — and whether their tenant's and token's rate allows it now. Denials are
// recorded as `capability_denied` events (sampled, so a flood of bad tokens cannot flood the log).
import {
  OPERATOR_TENANT,
  SoloError,
  VERB_PERMISSIONS,
  isApiVerb,
  matchesServicePattern,
  toWireError,
  type Capability,
  type EventInput,
  type Permission,
  type TenantId,
} from '@solo/protocol';
import type { KernelLogger, RequestMeta } from '../kernel-types.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { TenantDirectory } from './tenant-directory.ts';
import type { TokenAuthority } from './token-authority.ts';

/** Where a request came from. `service` is `ctx` inside a service. */
export type RequestDoor = 'nats' | 'grpc' | 'rest' | 'service';

/** What a door knows when it asks. */
export interface AuthorizeRequest {
  door: RequestDoor;
  /** The tenant API verb. */
  verb: string;
  /** The tenant the request acts for (from the subject, the client certificate or the token itself). */
  tenant: TenantId;
  token: string | undefined;
  /** The service the request targets, when it names one. */
  service?: string | undefined;
}

/** Who may proceed: the verified capability and the tenant it acts for. */
export interface Principal {
  cap: Capability;
  tenant: TenantId;
  /** True for the operator's token. */
  admin: boolean;
}

/** Denial events per tenant: 5 a second, bursts of 20. */
const DENIAL_EVENT_RATE = { requests_per_second: 5, burst: 20 };

/** True when `cap` allows `perm` on `tenant` (and on `service` when given). */
export function capabilityAllows(cap: Capability, tenant: string, perm: Permission | null, service?: string): boolean {
  if (cap.perms.has('admin')) return true;
  if (cap.tenant !== tenant && cap.tenant !== OPERATOR_TENANT) return false;
  if (perm !== null && !cap.perms.has(perm)) return false;
  if (service !== undefined) return cap.services.every((list) => list.some((p) => matchesServicePattern(p, service)));
  return true;
}

/** Verifies, authorizes and rate-limits requests. */
export class NodeSecurity {
  readonly tokens: TokenAuthority;
  readonly tenants: TenantDirectory;
  readonly #limiter: RateLimiter;
  readonly #denials: RateLimiter;
  readonly #append: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<unknown>;
  readonly #log: KernelLogger;

  constructor(o: { tokens: TokenAuthority; tenants: TenantDirectory; append: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<unknown>; log: KernelLogger; now?: () => number }) {
    this.tokens = o.tokens;
    this.tenants = o.tenants;
    this.#append = o.append;
    this.#log = o.log;
    this.#limiter = new RateLimiter({ now: o.now });
    this.#denials = new RateLimiter({ now: o.now, maxBuckets: 10_000 });
  }

  /**
   * The check of a tenant API request: token valid, for this tenant, with the verb's permission on the
   * service, within the token's and the tenant's rate.
   * @throws `unauthorized` (no/bad/expired/revoked token), `forbidden` (valid but not allowed), `rate_limited`
   */
  authorize(req: AuthorizeRequest, meta: RequestMeta = {}): Principal {
    try {
      const cap = this.tokens.verify(req.token);
      const perm = isApiVerb(req.verb) ? VERB_PERMISSIONS[req.verb] : null;
      if (!isApiVerb(req.verb)) throw new SoloError('invalid_request', `Unknown API verb '${req.verb}'.`, { details: { verb: req.verb } });
      this.#requireAllowed(cap, req.tenant, perm, req.service, req.verb);
      const admin = cap.perms.has('admin');
      this.#rate(cap, req.tenant, admin);
      return { cap, tenant: req.tenant, admin };
    } catch (err) {
      this.recordDenial(req, err, meta);
      throw err;
    }
  }

  /**
   * The check of an operator verb: the token must carry `admin`.
   * @throws `unauthorized` (no/bad token), `forbidden` (not the operator's)
   */
  authorizeAdmin(req: { door: RequestDoor; verb: string; token: string | undefined }, meta: RequestMeta = {}): Capability {
    try {
      const cap = this.tokens.verify(req.token);
      if (!cap.perms.has('admin')) {
        throw new SoloError('forbidden', `'${req.verb}' is an operator verb: it needs the admin token (written to <data-dir>/admin.token on the node's first start).`, { details: { verb: req.verb, permission: 'admin' } });
      }
      return cap;
    } catch (err) {
      this.recordDenial({ door: req.door, verb: req.verb, tenant: null, token: req.token }, err, meta);
      throw err;
    }
  }

  /**
   * The check of `ctx.call`/`ctx.cast`/`ctx.secret` from inside a service, which acts with the capability it
   * was deployed with and never leaves its tenant.
   * @throws `forbidden`
   */
  authorizeService(from: { tenant: TenantId; service: string; cap: Capability | null }, perm: Permission, target: string, meta: RequestMeta = {}): void {
    if (from.cap === null) return; // deployed before capabilities were recorded: bounded to its tenant by ctx itself
    try {
      this.#requireAllowed(from.cap, from.tenant, perm, perm.startsWith('secrets:') ? undefined : target, perm);
    } catch (err) {
      this.recordDenial({ door: 'service', verb: perm, tenant: from.tenant, token: undefined, service: from.service }, err, meta);
      throw err;
    }
  }

  #requireAllowed(cap: Capability, tenant: string, perm: Permission | null, service: string | undefined, verb: string): void {
    if (cap.perms.has('admin')) return;
    if (cap.tenant !== tenant && cap.tenant !== OPERATOR_TENANT) {
      throw new SoloError('forbidden', `The token acts for tenant '${cap.tenant}', not '${tenant}'. Use a token of tenant '${tenant}'.`, { details: { reason: 'wrong_tenant', tenant, token_tenant: cap.tenant } });
    }
    if (perm !== null && !cap.perms.has(perm)) {
      throw new SoloError('forbidden', `The token lacks the '${perm}' permission that '${verb}' needs. Ask for a token that grants it.`, { details: { reason: 'missing_permission', permission: perm, verb } });
    }
    if (service !== undefined && !cap.services.every((list) => list.some((p) => matchesServicePattern(p, service)))) {
      throw new SoloError('forbidden', `The token does not cover service '${service}' (it covers ${cap.services.map((l) => l.join(', ')).join(' ∩ ')}).`, { details: { reason: 'service_not_covered', service_id: service } });
    }
  }

  #rate(cap: Capability, tenant: string, admin: boolean): void {
    if (cap.rate !== null) {
      const wait = this.#limiter.take(`k:${cap.tokenId}`, cap.rate);
      if (wait > 0) throw rateLimited(wait, 'token', cap.rate.requests_per_second);
    }
    if (admin) return; // the operator is not held to a tenant's rate
    const rate = this.tenants.limitsOf(tenant).rate;
    const wait = this.#limiter.take(`t:${tenant}`, rate);
    if (wait > 0) throw rateLimited(wait, 'tenant', rate.requests_per_second);
  }

  /** Appends `capability_denied` for a refused request (at most a few a second per tenant). */
  recordDenial(req: { door: RequestDoor; verb: string; tenant: string | null; token: string | undefined; service?: string | undefined }, err: unknown, meta: RequestMeta): void {
    const wire = toWireError(err);
    if (wire.code !== 'unauthorized' && wire.code !== 'forbidden') return;
    if (this.#denials.take(`d:${req.tenant ?? '_'}`, DENIAL_EVENT_RATE) > 0) return;
    const reason = typeof wire.details?.['reason'] === 'string' ? wire.details['reason'] : wire.code;
    this.#append(
      {
        type: 'capability_denied',
        tenant: req.tenant,
        service_id: null,
        data: { door: req.door, verb: req.verb, code: wire.code, reason, token_id: tokenIdOf(req.token), ...(req.service !== undefined ? { target: req.service } : {}) },
      },
      meta,
    ).catch((e: unknown) => this.#log.warn('could not record a capability denial', { error: String(e) }));
  }

  /** Forgets a deleted tenant's rate bucket. */
  forgetTenant(tenant: string): void {
    this.#limiter.forget(`t:${tenant}`);
  }
}

function rateLimited(waitMs: number, scope: 'token' | 'tenant', rps: number): SoloError {
  return new SoloError('rate_limited', `Too many requests for this ${scope} (limit ${rps}/s). Retry after ${waitMs} ms.`, { details: { retry_after_ms: waitMs, scope } });
}

/** The token id a token text names, without verifying it (for denial records); null when unreadable. */
export function tokenIdOf(token: string | undefined): string | null {
  if (token === undefined) return null;
  const parts = token.split('.');
  const last = parts.length >= 3 ? parts[parts.length - 2] : undefined;
  if (last === undefined || last.length > 2048) return null;
  try {
    const block = JSON.parse(Buffer.from(last, 'base64url').toString('utf8')) as { id?: unknown };
    return typeof block.id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(block.id) ? block.id : null;
  } catch {
    return null;
  }
}
