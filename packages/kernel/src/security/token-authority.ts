// The capability manager: grants tokens (signed with the node's key), verifies them on every request,
// revokes them, and lists what it granted. Persistent grants and every revocation are events, so they survive
// restarts; non-persistent grants live in memory and end with the node.
import {
  OPERATOR_TENANT,
  SoloError,
  capabilityOf,
  checkPermissions,
  checkRateLimit,
  checkServicePatterns,
  newTokenId,
  parseToken,
  servicePatternsNarrow,
  signToken,
  tokenSignatureValid,
  type Capability,
  type Permission,
  type TokenClaims,
  type TokenGrantRequest,
  type TokenInfo,
  type TokenRateLimit,
} from '@solo/protocol';
import type { EventInput } from '@solo/protocol';
import type { RequestMeta } from '../kernel-types.ts';
import type { KernelState } from '../state/kernel-state.ts';
import type { RevocationRecord, TokenRecord } from '../state/security-state.ts';

/** Default lifetime of a granted token: one day. */
export const DEFAULT_TOKEN_TTL_S = 86_400;
/** Longest lifetime of a granted token: one year. */
export const MAX_TOKEN_TTL_S = 366 * 86_400;
const MAX_LABEL = 128;
/** Verified tokens kept (text → capability) so the hot path skips the HMAC and JSON work. */
const CACHE_SIZE = 10_000;

/** What the authority needs from the kernel. */
export interface TokenAuthorityDeps {
  key: Buffer;
  state: () => KernelState;
  append: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<number>;
  now: () => number;
}

/** A grant the authority makes on its own behalf (the admin token, a new tenant's token). */
export interface MintRequest {
  tenant: string;
  permissions: Permission[];
  services?: string[];
  exp?: number | null;
  rate?: TokenRateLimit | null;
  persistent?: boolean;
  label?: string | null;
  ancestors?: string[];
}

function toInfo(r: TokenRecord, revoked: boolean): TokenInfo {
  return {
    token_id: r.token_id,
    tenant: r.tenant,
    permissions: r.permissions,
    services: r.services,
    expires_at: r.exp === null ? null : new Date(r.exp).toISOString(),
    rate_limit: r.rate_limit,
    persistent: r.persistent,
    label: r.label,
    granted_at: r.granted_at,
    ancestors: r.ancestors,
    revoked,
  };
}

/** Refusal with the reason in details (the audit and `capability_denied` read it). */
function unauthorized(reason: string, message: string): SoloError {
  return new SoloError('unauthorized', message, { details: { reason } });
}

/** Grants, verifies, revokes and lists capability tokens. */
export class TokenAuthority {
  readonly #d: TokenAuthorityDeps;
  readonly #volatile = new Map<string, TokenRecord>();
  readonly #cache = new Map<string, Capability>();

  constructor(deps: TokenAuthorityDeps) {
    this.#d = deps;
  }

  /**
   * Verifies a token: form, signature, narrowing caveats, that the node granted its root (and still knows it),
   * expiry and revocation of every id in its chain.
   * @throws `unauthorized` with `details.reason` one of missing, malformed, too_long, unknown_permission,
   * bad_signature, widened, unknown_token, expired, revoked
   */
  verify(token: string | undefined): Capability {
    if (token === undefined || token === '') {
      throw unauthorized('missing', 'No capability token was presented. Send the token Solo issued you (NATS header Solo-Token, HTTP `Authorization: Bearer <token>`, gRPC metadata `authorization`, CLI --token / SOLO_TOKEN / --credentials).');
    }
    let cap = this.#cache.get(token);
    if (cap === undefined) {
      const parsed = parseToken(token);
      if (!tokenSignatureValid(this.#d.key, parsed)) {
        throw unauthorized('bad_signature', 'The token signature does not verify: it was altered, truncated, or issued by another Solo node. Use the token exactly as issued.');
      }
      cap = capabilityOf(parsed);
      if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(token, cap);
    }
    const state = this.#d.state();
    if (!(cap.rootId in state.tokens) && !this.#volatile.has(cap.rootId)) {
      throw unauthorized(
        'unknown_token',
        cap.persistent
          ? 'The token was not granted by this node (or its tenant was deleted). Ask for a new token.'
          : 'The token was not persistent and the node has restarted since it was granted. Ask for a new token (grant persistent tokens to keep them across restarts).',
      );
    }
    if (cap.exp !== null && cap.exp <= this.#d.now()) {
      throw unauthorized('expired', `The token expired at ${new Date(cap.exp).toISOString()}. Ask its issuer for a new one.`);
    }
    for (const id of cap.chain) {
      const rev = state.revocations[id] as unknown as RevocationRecord | undefined;
      if (rev !== undefined && (rev.tenant === cap.tenant || rev.tenant === OPERATOR_TENANT)) {
        throw unauthorized('revoked', id === cap.tokenId ? 'The token was revoked. Ask its issuer for a new one.' : 'A token this one was derived from was revoked, so this one is revoked too. Ask for a new token.');
      }
    }
    return cap;
  }

  /** Issues a token without a granter (operator and tenant bootstrap). The grant is recorded when persistent. */
  async mint(req: MintRequest, meta: RequestMeta, grantedBy: string | null = null): Promise<{ token: string; info: TokenInfo }> {
    const now = this.#d.now();
    const claims: TokenClaims = {
      id: newTokenId(),
      tenant: req.tenant,
      perms: req.permissions,
      services: req.services ?? ['*'],
      exp: req.exp ?? null,
      rate: req.rate ?? null,
      persistent: req.persistent ?? true,
      iat: now,
      anc: req.ancestors ?? [],
    };
    const record: TokenRecord = {
      token_id: claims.id,
      tenant: claims.tenant,
      permissions: claims.perms,
      services: claims.services,
      exp: claims.exp,
      rate_limit: claims.rate,
      persistent: claims.persistent,
      label: req.label ?? null,
      granted_at: new Date(now).toISOString(),
      ancestors: claims.anc,
    };
    await this.#d.append(
      {
        type: 'capability_granted',
        tenant: claims.tenant === OPERATOR_TENANT ? null : claims.tenant,
        service_id: null,
        data: {
          token_id: claims.id,
          token_tenant: claims.tenant,
          permissions: claims.perms,
          services: claims.services,
          exp: claims.exp,
          rate_limit: claims.rate,
          persistent: claims.persistent,
          label: record.label,
          ancestors: claims.anc,
          granted_by: grantedBy,
        },
      },
      meta,
    );
    if (!claims.persistent) this.#volatile.set(claims.id, record);
    return { token: signToken(this.#d.key, claims), info: toInfo(record, false) };
  }

  /**
   * Grants a new token on behalf of `granter`, never wider than the granter: its permissions, services,
   * expiry and rate are bounded by the granter's, and revoking the granter's token revokes it.
   * @throws `invalid_request` for a malformed request; `forbidden` when it asks for more than the granter has
   */
  async grant(granter: Capability, tenant: string, req: TokenGrantRequest, meta: RequestMeta): Promise<{ token: string; info: TokenInfo }> {
    const perms = checkPermissions(req.permissions, 'permissions');
    const services = req.services === undefined ? (granter.services[granter.services.length - 1] ?? ['*']).slice() : checkServicePatterns(req.services, 'services');
    const admin = granter.perms.has('admin');
    if (perms.includes('admin') && !admin) throw new SoloError('forbidden', 'Only the operator may grant the admin permission.', { details: { permission: 'admin' } });
    if (!admin) {
      const missing = perms.filter((p) => !granter.perms.has(p));
      if (missing.length > 0) {
        throw new SoloError('forbidden', `You cannot grant permissions your own token lacks: ${missing.join(', ')}.`, { details: { permissions: missing } });
      }
      for (const list of granter.services) {
        if (!servicePatternsNarrow(services, list)) {
          throw new SoloError('forbidden', `You cannot grant services beyond your own token's (${list.join(', ')}).`, { details: { services } });
        }
      }
    }
    const ttl = req.ttl_s ?? DEFAULT_TOKEN_TTL_S;
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TOKEN_TTL_S) {
      throw new SoloError('invalid_request', `ttl_s must be a whole number of seconds from 0 (no expiry) to ${MAX_TOKEN_TTL_S}.`, { details: { field: 'ttl_s' } });
    }
    let exp: number | null = ttl === 0 ? null : this.#d.now() + ttl * 1000;
    if (granter.exp !== null) {
      if (exp === null) throw new SoloError('forbidden', 'Your token expires, so it cannot grant one that never does. Pass ttl_s.', { details: { field: 'ttl_s' } });
      exp = Math.min(exp, granter.exp);
    }
    let rate = req.rate_limit === undefined ? granter.rate : checkRateLimit(req.rate_limit, 'rate_limit');
    if (granter.rate !== null && rate !== null) {
      rate = { requests_per_second: Math.min(rate.requests_per_second, granter.rate.requests_per_second), burst: Math.min(rate.burst, granter.rate.burst) };
    }
    if (req.persistent !== undefined && typeof req.persistent !== 'boolean') throw new SoloError('invalid_request', 'persistent must be true or false.', { details: { field: 'persistent' } });
    if (req.label !== undefined && (typeof req.label !== 'string' || req.label.length > MAX_LABEL)) {
      throw new SoloError('invalid_request', `label must be a string of at most ${MAX_LABEL} characters.`, { details: { field: 'label' } });
    }
    return this.mint(
      { tenant, permissions: perms, services, exp, rate, persistent: req.persistent ?? true, label: req.label ?? null, ancestors: granter.chain },
      meta,
      granter.tokenId,
    );
  }

  /**
   * Revokes a token id (and so every token derived from it). A tenant may revoke only its own tokens; ids the
   * node never saw (caveats a holder appended) are recorded against the revoker's tenant.
   * @throws `invalid_request` for a malformed id; `forbidden` for another tenant's token
   */
  async revoke(by: Capability, tenant: string, tokenId: unknown, meta: RequestMeta): Promise<{ token_id: string; revoked: boolean }> {
    if (typeof tokenId !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(tokenId)) {
      throw new SoloError('invalid_request', 'token_id must be a token id as listed by `solo token ls`.', { details: { field: 'token_id' } });
    }
    const state = this.#d.state();
    const known = (state.tokens[tokenId] as unknown as TokenRecord | undefined) ?? this.#volatile.get(tokenId);
    const owner = known?.tenant ?? tenant;
    if (owner !== tenant && !by.perms.has('admin')) throw new SoloError('forbidden', 'That token belongs to another tenant.', { details: { token_id: tokenId } });
    if (tokenId in state.revocations) return { token_id: tokenId, revoked: false };
    await this.#d.append(
      { type: 'capability_revoked', tenant: owner === OPERATOR_TENANT ? null : owner, service_id: null, data: { token_id: tokenId, token_tenant: owner, revoked_by: by.tokenId } },
      meta,
    );
    return { token_id: tokenId, revoked: true };
  }

  /** Revokes every token the node granted to `tenant` (tenant deletion). Returns how many. */
  async revokeTenant(by: Capability, tenant: string, meta: RequestMeta): Promise<number> {
    let n = 0;
    for (const info of this.list(tenant)) {
      if (info.revoked) continue;
      if ((await this.revoke(by, tenant, info.token_id, meta)).revoked) n++;
    }
    return n;
  }

  /** The tokens the node granted to `tenant` (persistent ones and this run's volatile ones), newest first. */
  list(tenant: string): TokenInfo[] {
    const state = this.#d.state();
    const out: TokenInfo[] = [];
    const add = (r: TokenRecord): void => {
      if (r.tenant === tenant) out.push(toInfo(r, r.token_id in state.revocations || r.ancestors.some((a) => a in state.revocations)));
    };
    for (const v of Object.values(state.tokens)) add(v as unknown as TokenRecord);
    for (const r of this.#volatile.values()) add(r);
    return out.sort((a, b) => b.granted_at.localeCompare(a.granted_at));
  }
}
