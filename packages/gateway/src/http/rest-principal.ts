// Who a REST request acts as: the bearer token (or `?access_token=` on streams) checked by the shared
// `authorizeRestRequest`, with the tenant, service and token id recorded on the request's observation (so the
// log, the metrics and the audit record name them).
import type { FastifyRequest } from 'fastify';
import { parseTenantId, type ApiVerb } from '@solo/protocol';
import type { Kernel, Principal } from '@solo/kernel';
import { authorizeRestRequest } from '../authorize.ts';

/** Options of {@link restPrincipal}. */
export interface RestPrincipalOptions {
  /** The service the request names. @default none */
  service?: string | undefined;
  /** Accept the token as `?access_token=` (SSE: EventSource cannot set headers). @default false */
  allowQueryToken?: boolean;
}

function namedTenant(value: unknown): string | undefined {
  try {
    return typeof value === 'string' ? parseTenantId(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Authorizes `req` for `verb`.
 * @throws `unauthorized` (no or bad token), `invalid_request` (bad tenant id), `forbidden`, `rate_limited`
 */
export function restPrincipal(kernel: Kernel, req: FastifyRequest, verb: ApiVerb, o: RestPrincipalOptions = {}): Principal {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  if (o.service !== undefined) req.soloObservation?.describe({ service: o.service });
  // The tenant the request names (unverified, like a NATS subject's) labels a refused request's record; the
  // verified one replaces it below.
  const named = namedTenant(header('x-solo-tenant') ?? (req.query as Record<string, unknown> | undefined)?.['tenant']);
  if (named !== undefined) req.soloObservation?.describe({ tenant: named });
  const principal = authorizeRestRequest(
    kernel,
    { verb, header, query: (req.query ?? {}) as Record<string, unknown>, service: o.service, allowQueryToken: o.allowQueryToken === true },
    { correlationId: req.soloCorrelationId },
  );
  req.soloObservation?.describe({ tenant: principal.tenant, tokenId: principal.cap.tokenId });
  return principal;
}

/**
 * Waits for recovery, then authorizes `req` for `verb`: nobody reads or changes half-recovered state, and the
 * tokens and revocations the log holds are known before any token is checked.
 */
export async function enterRest(kernel: Kernel, req: FastifyRequest, verb: ApiVerb, service?: string): Promise<Principal> {
  await kernel.whenAccepting();
  return restPrincipal(kernel, req, verb, { service });
}

/** The request metadata the kernel records with what it does. */
export function restMeta(req: FastifyRequest): { correlationId: string } {
  return { correlationId: req.soloCorrelationId };
}
