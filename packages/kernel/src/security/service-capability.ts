// The capability a service acts with inside `ctx`: the permissions and service patterns of the token that
// deployed it, recorded in the deploy's options. Restored services keep it across restarts of the node.
import { isPermission, type Capability, type Json, type Permission } from '@solo/protocol';

/** Key of the capability in a service record's options. */
export const CAPABILITY_OPTION = 'capability';

/** The capability recorded for a service, or null when its deploy recorded none (tenant-bounded only). */
export function serviceCapability(tenant: string, service: string, options: Record<string, Json>): Capability | null {
  const c = options[CAPABILITY_OPTION];
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return null;
  const perms = Array.isArray(c['permissions']) ? (c['permissions'] as Json[]).filter(isPermission) : [];
  const services = Array.isArray(c['services']) ? (c['services'] as Json[]).filter((l): l is string[] => Array.isArray(l) && l.every((p) => typeof p === 'string')) : [];
  const id = `svc:${tenant}/${service}`;
  return { tenant, chain: [id], tokenId: id, rootId: id, perms: new Set<Permission>(perms), services, exp: null, rate: null, persistent: true };
}
