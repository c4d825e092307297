// How tokens, tenant limits and rates read in the security commands' human output.
import { capabilityOf, parseToken } from '@solo/protocol';
import type { ResolvedTenantLimits, TokenRateLimit } from '@solo/protocol';

/** The id of a token (its last block's), read from the token text without the node; null when malformed. */
export function tokenIdOf(token: string): string | null {
  try {
    return capabilityOf(parseToken(token)).tokenId;
  } catch {
    return null;
  }
}

/** `10 req/s (burst 20)`, or `-` for none. */
export function formatRate(rate: TokenRateLimit | null | undefined): string {
  return rate == null ? '-' : `${rate.requests_per_second} req/s (burst ${rate.burst})`;
}

/** `100 services, 4096 MiB, 1000 req/s (burst 2000)`. */
export function formatTenantLimits(l: ResolvedTenantLimits): string {
  return `${l.max_services} services, ${l.max_memory_mb} MiB, ${formatRate(l.rate)}`;
}
