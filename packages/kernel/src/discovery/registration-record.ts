// The discovery record as stored in the registry bucket, and the pure rules over it: who may see it, whether
// it has expired, whether it matches a discover query. No I/O; time is an input.
import type { Registration } from '@solo/protocol';

/** A registration as stored: the wire `Registration` minus the read-time `id` and `alive`. */
export type RegistrationRecord = Omit<Registration, 'id' | 'alive'>;

/** A validated discover query (page already bounded). */
export interface DiscoverQuery {
  name?: string | undefined;
  filter?: Readonly<Record<string, string>> | undefined;
  aliveOnly?: boolean | undefined;
  limit: number;
  offset: number;
}

/** The public id of a registration: `<tenant>/<service>/<name>`. */
export function registrationId(r: Pick<RegistrationRecord, 'tenant' | 'service_id' | 'name'>): string {
  return `${r.tenant}/${r.service_id}/${r.name}`;
}

/** True when `value` has the stored shape; anything else in the bucket is ignored. */
export function isRegistrationRecord(value: unknown): value is RegistrationRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['tenant'] === 'string' &&
    typeof v['service_id'] === 'string' &&
    typeof v['name'] === 'string' &&
    typeof v['version'] === 'string' &&
    typeof v['tags'] === 'object' &&
    v['tags'] !== null &&
    Array.isArray(v['shared_with']) &&
    typeof v['registered_at'] === 'string' &&
    (v['expires_at'] === null || typeof v['expires_at'] === 'string')
  );
}

/** The owner sees its registrations; another tenant only those shared with it by name or with `'*'`. */
export function visibleTo(r: RegistrationRecord, tenant: string): boolean {
  return r.tenant === tenant || r.shared_with.includes('*') || r.shared_with.includes(tenant);
}

/** True once the registration's TTL has run out at `nowMs`. */
export function isExpired(r: RegistrationRecord, nowMs: number): boolean {
  return r.expires_at !== null && Date.parse(r.expires_at) <= nowMs;
}

/** True when `r` has the queried name (if any) and every tag of the filter, with the same value. */
export function matchesQuery(r: RegistrationRecord, q: Pick<DiscoverQuery, 'name' | 'filter'>): boolean {
  if (q.name !== undefined && r.name !== q.name) return false;
  for (const [k, v] of Object.entries(q.filter ?? {})) {
    if (r.tags[k] !== v) return false;
  }
  return true;
}

/** Orders registrations by owner, service and name, so pages are stable. */
export function compareRegistrations(a: RegistrationRecord, b: RegistrationRecord): number {
  const x = registrationId(a);
  const y = registrationId(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
