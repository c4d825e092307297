// Capability tokens: what a bearer may do, signed by the node and narrowable by any holder.
//
// A token is a chain of JSON blocks, macaroon-style: `solo1.<root>.<caveat>…<caveat>.<sig>` (each part
// base64url). The root block is signed with the node's key: sig₀ = HMAC-SHA256(key, "solo1." + root); every
// caveat extends the chain: sigᵢ = HMAC-SHA256(sigᵢ₋₁, caveatᵢ). A holder who knows sigₙ can append a caveat
// (attenuate) without the node, but cannot drop one: sigₙ₋₁ cannot be recovered from sigₙ. Verification
// recomputes the chain from the key. Every caveat may only narrow (permissions, services, expiry, rate);
// a caveat that widens anything makes the whole token invalid. Each block has an id; revoking any id of the
// chain revokes the token, so revoking a parent revokes every descendant.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SoloError } from './error-codes.ts';
import type { ApiVerb } from './wire.ts';

/** Every permission a token can carry. `admin` is the operator's: every verb on every tenant. */
export const PERMISSIONS = [
  'deploy',
  'kill',
  'status',
  'list',
  'call',
  'cast',
  'swap',
  'events:read',
  'logs:read',
  'secrets:read',
  'secrets:write',
  'tokens:grant',
  'admin',
] as const;
/** One permission. */
export type Permission = (typeof PERMISSIONS)[number];

/** True when `value` names a permission. */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** What a tenant's own token grants: everything but `admin`. */
export const TENANT_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter((p) => p !== 'admin');

/** Tenant of the operator's tokens: acts for every tenant. */
export const OPERATOR_TENANT = '*';

/** Prefix (and version) of every token. */
export const TOKEN_PREFIX = 'solo1';
/** Longest token accepted (bytes of its text form); longer ones are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 4096;
/** Most caveats one token may carry. */
export const MAX_TOKEN_CAVEATS = 16;
/** Most service patterns one block may carry. */
export const MAX_SERVICE_PATTERNS = 32;

/** A token's own rate limit: a token bucket refilled at `requests_per_second`, holding at most `burst`. */
export interface TokenRateLimit {
  requests_per_second: number;
  burst: number;
}

/** The root block: what the node granted. */
export interface TokenClaims {
  /** Token id (random, url-safe). */
  id: string;
  /** Tenant the token acts for, or {@link OPERATOR_TENANT}. */
  tenant: string;
  perms: Permission[];
  /** Service-id patterns (`*`, `api-*`, `billing`) the token applies to. */
  services: string[];
  /** Expiry, ms since the epoch; null for none. */
  exp: number | null;
  rate: TokenRateLimit | null;
  /** Survives restarts of the node (recorded in the event log). */
  persistent: boolean;
  /** Issued at, ms since the epoch. */
  iat: number;
  /** Ids of the token chain that granted this one (revoking any of them revokes this token). */
  anc: string[];
}

/** A narrowing step appended by a holder. Absent fields keep what the chain already allows. */
export interface TokenCaveat {
  id: string;
  perms?: Permission[];
  services?: string[];
  exp?: number;
  rate?: TokenRateLimit;
}

/** What a caller asks for when narrowing a token. */
export type TokenNarrowing = Omit<TokenCaveat, 'id'>;

/** A token split into its blocks (signature not yet checked). */
export interface ParsedToken {
  root: TokenClaims;
  caveats: TokenCaveat[];
  /** The encoded blocks, root first, as signed. */
  blocks: string[];
  sig: Buffer;
}

/** What a verified token allows: the intersection of its blocks. */
export interface Capability {
  tenant: string;
  /** Ids of the chain: ancestors, root, caveats; the last is the token's own id. */
  chain: string[];
  tokenId: string;
  rootId: string;
  perms: ReadonlySet<Permission>;
  /** Every list must admit a service id (one list per block that names services). */
  services: readonly (readonly string[])[];
  exp: number | null;
  /** The strictest rate limit of the chain. */
  rate: TokenRateLimit | null;
  persistent: boolean;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** Service pattern: a service id with at most one trailing `*`, or `*` alone. */
const SERVICE_PATTERN = /^(\*|[a-z0-9][a-z0-9_-]{0,62}\*?)$/;

function refuse(reason: string, message: string): SoloError {
  return new SoloError('unauthorized', message, { details: { reason } });
}

/** A fresh random token or caveat id. */
export function newTokenId(): string {
  return randomBytes(12).toString('base64url');
}

function b64(json: unknown): string {
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

function chainSig(key: Buffer, blocks: readonly string[]): Buffer {
  let sig = createHmac('sha256', key).update(`${TOKEN_PREFIX}.${blocks[0]}`).digest();
  for (let i = 1; i < blocks.length; i++) sig = createHmac('sha256', sig).update(blocks[i] as string).digest();
  return sig;
}

/** Checks a rate limit's shape. @throws `invalid_request` */
export function checkRateLimit(rate: unknown, field: string): TokenRateLimit {
  const r = rate as Partial<TokenRateLimit> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.requests_per_second === 'number' &&
    Number.isFinite(r.requests_per_second) &&
    r.requests_per_second > 0 &&
    r.requests_per_second <= 1_000_000 &&
    Number.isInteger(r.burst) &&
    (r.burst as number) >= 1 &&
    (r.burst as number) <= 1_000_000;
  if (!ok) {
    throw new SoloError('invalid_request', `${field} must be {requests_per_second: number > 0, burst: integer ≥ 1} (each at most 1000000).`, { details: { field } });
  }
  return { requests_per_second: r.requests_per_second as number, burst: r.burst as number };
}

/** Checks permissions named by a client. @throws `invalid_request` naming the unknown one */
export function checkPermissions(perms: unknown, field: string): Permission[] {
  if (!Array.isArray(perms) || perms.length === 0 || perms.length > PERMISSIONS.length) {
    throw new SoloError('invalid_request', `${field} must be a non-empty list of permissions: ${PERMISSIONS.join(', ')}.`, { details: { field } });
  }
  for (const p of perms) {
    if (!isPermission(p)) {
      throw new SoloError('invalid_request', `${field}: unknown permission ${JSON.stringify(p)}. Permissions: ${PERMISSIONS.join(', ')}.`, { details: { field, permission: String(p) } });
    }
  }
  return [...new Set(perms as Permission[])];
}

/** Checks service patterns named by a client. @throws `invalid_request` */
export function checkServicePatterns(patterns: unknown, field: string): string[] {
  if (!Array.isArray(patterns) || patterns.length === 0 || patterns.length > MAX_SERVICE_PATTERNS) {
    throw new SoloError('invalid_request', `${field} must be a list of 1 to ${MAX_SERVICE_PATTERNS} service patterns ('*', 'api-*', 'billing').`, { details: { field } });
  }
  for (const p of patterns) {
    if (typeof p !== 'string' || !SERVICE_PATTERN.test(p)) {
      throw new SoloError('invalid_request', `${field}: ${JSON.stringify(p)} is not a service pattern. Use a service id, a prefix ending in '*', or '*'.`, { details: { field } });
    }
  }
  return [...new Set(patterns as string[])];
}

/** True when `service` matches `pattern` (`*`, `prefix*` or an exact id). */
export function matchesServicePattern(pattern: string, service: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return service.startsWith(pattern.slice(0, -1));
  return pattern === service;
}

/** True when everything `inner` matches is matched by `outer`. */
function patternCovered(inner: string, outer: string): boolean {
  if (outer === '*') return true;
  if (outer.endsWith('*')) return inner.startsWith(outer.slice(0, -1));
  return inner === outer;
}

/** True when every pattern of `inner` is covered by some pattern of `outer`. */
export function servicePatternsNarrow(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.every((i) => outer.some((o) => patternCovered(i, o)));
}

/** Signs a root block. The caller (the node) has validated the claims. */
export function signToken(key: Buffer, claims: TokenClaims): string {
  const root = b64(claims);
  return `${TOKEN_PREFIX}.${root}.${chainSig(key, [root]).toString('base64url')}`;
}

function parseJsonBlock(block: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(block, 'base64url').toString('utf8'));
  } catch {
    throw refuse('malformed', 'The token is malformed (a block is not valid base64url JSON). Use the token exactly as Solo issued it.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse('malformed', 'The token is malformed (a block is not a JSON object).');
  return value as Record<string, unknown>;
}

function rootClaims(o: Record<string, unknown>): TokenClaims {
  const ok =
    typeof o['id'] === 'string' &&
    ID_PATTERN.test(o['id']) &&
    typeof o['tenant'] === 'string' &&
    Array.isArray(o['perms']) &&
    Array.isArray(o['services']) &&
    (o['exp'] === null || typeof o['exp'] === 'number') &&
    typeof o['persistent'] === 'boolean' &&
    typeof o['iat'] === 'number' &&
    Array.isArray(o['anc']);
  if (!ok) throw refuse('malformed', 'The token is malformed (its root block lacks required claims).');
  for (const p of o['perms'] as unknown[]) {
    if (!isPermission(p)) throw refuse('unknown_permission', `The token names an unknown permission ${JSON.stringify(p)}; it was not issued by this version of Solo.`);
  }
  return o as unknown as TokenClaims;
}

function caveatOf(o: Record<string, unknown>): TokenCaveat {
  if (typeof o['id'] !== 'string' || !ID_PATTERN.test(o['id'])) throw refuse('malformed', 'The token is malformed (a caveat has no valid id).');
  const known = new Set(['id', 'perms', 'services', 'exp', 'rate']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw refuse('malformed', `The token is malformed (unknown caveat field '${k}').`);
  if (o['perms'] !== undefined) {
    if (!Array.isArray(o['perms'])) throw refuse('malformed', 'The token is malformed (caveat perms is not a list).');
    for (const p of o['perms'] as unknown[]) if (!isPermission(p)) throw refuse('unknown_permission', `The token names an unknown permission ${JSON.stringify(p)}.`);
  }
  if (o['services'] !== undefined && !(Array.isArray(o['services']) && (o['services'] as unknown[]).every((s) => typeof s === 'string' && SERVICE_PATTERN.test(s)))) {
    throw refuse('malformed', 'The token is malformed (caveat services are not service patterns).');
  }
  if (o['exp'] !== undefined && typeof o['exp'] !== 'number') throw refuse('malformed', 'The token is malformed (caveat exp is not a number).');
  if (o['rate'] !== undefined) {
    try {
      checkRateLimit(o['rate'], 'rate');
    } catch {
      throw refuse('malformed', 'The token is malformed (caveat rate is not a rate limit).');
    }
  }
  return o as unknown as TokenCaveat;
}

/**
 * Splits a token into its blocks and decodes them. Does not check the signature.
 * @throws `unauthorized` (details.reason `malformed`, `too_long`, `unknown_permission`) for anything but a well-formed token
 */
export function parseToken(token: string): ParsedToken {
  if (typeof token !== 'string' || token.length === 0) throw refuse('missing', 'No capability token was presented.');
  if (token.length > MAX_TOKEN_LENGTH) throw refuse('too_long', `The token is longer than ${MAX_TOKEN_LENGTH} characters; it was not issued by Solo.`);
  const parts = token.split('.');
  if (parts[0] !== TOKEN_PREFIX || parts.length < 3) throw refuse('malformed', `The token is malformed: Solo tokens look like '${TOKEN_PREFIX}.<claims>.<signature>'. Pass it whole, as issued.`);
  if (parts.length - 2 > MAX_TOKEN_CAVEATS + 1) throw refuse('malformed', `The token carries more than ${MAX_TOKEN_CAVEATS} caveats.`);
  for (const p of parts.slice(1)) if (!B64URL.test(p)) throw refuse('malformed', 'The token is malformed (not base64url). Pass it whole, as issued.');
  const blocks = parts.slice(1, -1);
  const sig = Buffer.from(parts[parts.length - 1] as string, 'base64url');
  if (sig.length !== 32) throw refuse('malformed', 'The token is malformed (its signature is truncated).');
  const root = rootClaims(parseJsonBlock(blocks[0] as string));
  const caveats = blocks.slice(1).map((b) => caveatOf(parseJsonBlock(b)));
  return { root, caveats, blocks, sig };
}

/** True when the chain of `parsed` was signed with `key`. Constant-time comparison. */
export function tokenSignatureValid(key: Buffer, parsed: ParsedToken): boolean {
  const expected = chainSig(key, parsed.blocks);
  return expected.length === parsed.sig.length && timingSafeEqual(expected, parsed.sig);
}

/**
 * What a well-formed token allows, after checking that every caveat narrows. Signature, expiry and revocation
 * are the verifier's to check.
 * @throws `unauthorized` (reason `widened`) when a caveat asks for more than the chain before it allows
 */
export function capabilityOf(parsed: ParsedToken): Capability {
  const r = parsed.root;
  let perms = new Set<Permission>(r.perms);
  const services: string[][] = [r.services];
  let current = r.services;
  let exp = r.exp;
  let rate = r.rate;
  const widened = (what: string): SoloError => refuse('widened', `The token's caveat widens ${what}; an attenuated token can only narrow what its parent allows.`);
  for (const c of parsed.caveats) {
    if (c.perms !== undefined) {
      if (!perms.has('admin') && !c.perms.every((p) => perms.has(p))) throw widened('its permissions');
      perms = perms.has('admin') ? new Set(c.perms) : new Set(c.perms.filter((p) => perms.has(p)));
    }
    if (c.services !== undefined) {
      if (!servicePatternsNarrow(c.services, current)) throw widened('its services');
      services.push(c.services);
      current = c.services;
    }
    if (c.exp !== undefined) {
      if (exp !== null && c.exp > exp) throw widened('its expiry');
      exp = c.exp;
    }
    if (c.rate !== undefined) {
      if (rate !== null && (c.rate.requests_per_second > rate.requests_per_second || c.rate.burst > rate.burst)) throw widened('its rate limit');
      rate = c.rate;
    }
  }
  const chain = [...r.anc, r.id, ...parsed.caveats.map((c) => c.id)];
  return { tenant: r.tenant, chain, tokenId: chain[chain.length - 1] as string, rootId: r.id, perms, services, exp, rate, persistent: r.persistent };
}

/**
 * Derives a narrower token from `token` without the node's key: fewer permissions, fewer services, an earlier
 * expiry or a lower rate. The result is refused by the node if it widens anything, so this refuses first.
 * @throws `invalid_request` for a malformed narrowing; `forbidden` when it would widen the token; `unauthorized` for a malformed token
 */
export function attenuateToken(token: string, narrowing: TokenNarrowing): string {
  const parsed = parseToken(token);
  const caveat: TokenCaveat = { id: newTokenId() };
  if (narrowing.perms !== undefined) caveat.perms = checkPermissions(narrowing.perms, 'perms');
  if (narrowing.services !== undefined) caveat.services = checkServicePatterns(narrowing.services, 'services');
  if (narrowing.exp !== undefined) {
    if (!Number.isFinite(narrowing.exp) || narrowing.exp <= 0) throw new SoloError('invalid_request', 'exp must be a time in ms since the epoch.', { details: { field: 'exp' } });
    caveat.exp = Math.floor(narrowing.exp);
  }
  if (narrowing.rate !== undefined) caveat.rate = checkRateLimit(narrowing.rate, 'rate');
  if (Object.keys(caveat).length === 1) throw new SoloError('invalid_request', 'Nothing to narrow: pass perms, services, exp or rate.');
  if (parsed.caveats.length >= MAX_TOKEN_CAVEATS) throw new SoloError('limit_exceeded', `A token carries at most ${MAX_TOKEN_CAVEATS} caveats.`);
  const block = b64(caveat);
  try {
    capabilityOf({ ...parsed, caveats: [...parsed.caveats, caveat], blocks: [...parsed.blocks, block] });
  } catch (err) {
    if (err instanceof SoloError && err.details?.['reason'] === 'widened') throw new SoloError('forbidden', err.message, { details: { reason: 'widened' } });
    throw err;
  }
  const sig = createHmac('sha256', parsed.sig).update(block).digest();
  return `${TOKEN_PREFIX}.${parsed.blocks.join('.')}.${block}.${sig.toString('base64url')}`;
}

/** The permission each tenant API verb needs; null for verbs any valid token of the tenant may use. */
export const VERB_PERMISSIONS: Readonly<Record<ApiVerb, Permission | null>> = {
  deploy: 'deploy',
  kill: 'kill',
  status: 'status',
  list: 'list',
  call: 'call',
  cast: 'cast',
  events: 'events:read',
  events_follow: 'events:read',
  logs: 'logs:read',
  logs_follow: 'logs:read',
  follow_stop: null,
  health: null,
  supervision: 'deploy',
  tree: 'status',
  swap: 'swap',
  replace: 'swap',
  rollback: 'swap',
  history: 'status',
  register: 'deploy',
  deregister: 'deploy',
  discover: 'list',
  services: 'list',
  validate: null,
  token_grant: 'tokens:grant',
  token_revoke: 'tokens:grant',
  token_list: 'tokens:grant',
  secret_set: 'secrets:write',
  secret_list: 'secrets:read',
  secret_exists: 'secrets:read',
  secret_delete: 'secrets:write',
};
