// Request and reply bodies of the discovery verbs (`register`, `deregister`, `discover`, `services`): a
// deployed service published under a logical name with a version, metadata tags and an optional TTL.

/** Largest TTL of a registration: one day. Longer-lived registrations omit the TTL. */
export const MAX_REGISTRATION_TTL_MS = 86_400_000;
/** Most tags one registration may carry. */
export const MAX_REGISTRATION_TAGS = 32;

/** One discovery record as every door returns it. */
export interface Registration {
  /** `<tenant>/<service_id>/<name>`: stable for as long as the registration lives. */
  id: string;
  tenant: string;
  service_id: string;
  /** Logical name (id pattern), shared by every service that offers the same thing. */
  name: string;
  version: string;
  tags: Record<string, string>;
  /** Tenants besides the owner that may discover it; `['*']` means every tenant. */
  shared_with: string[];
  registered_at: string;
  /** ISO time after which the registration is gone, or null when it has no TTL. */
  expires_at: string | null;
  /** Whether the actor is running right now (joined with the kernel's status at read time). */
  alive: boolean;
}

export interface RegisterRequest {
  service_id: string;
  name: string;
  /** @default the module's exported `version`, else `v<deploy counter>` */
  version?: string;
  /** Metadata matched by `discover` filters, e.g. `{ role: 'api', env: 'prod' }`. @default {} */
  tags?: Record<string, string>;
  /** Lifetime in ms (1000 – 86400000); registering again renews it. @default no expiry */
  ttl_ms?: number;
  /** Tenant ids, or `'*'`, that may discover this registration. @default [] (owner only) */
  shared_with?: string[];
}
export interface RegisterReply {
  registration: Registration;
}

export interface DeregisterRequest {
  service_id: string;
  /** Only this name; omitted removes every registration of the service. */
  name?: string;
}
export interface DeregisterReply {
  removed: number;
}

export interface DiscoverRequest {
  name?: string;
  /** Every tag given must match exactly. */
  filter?: Record<string, string>;
  /** Only registrations whose actor runs. @default false */
  alive_only?: boolean;
  /** Page size, 1–1000. @default 100 */
  limit?: number;
  /** @default 0 */
  offset?: number;
}
export interface DiscoverReply {
  services: Registration[];
  total: number;
  next_offset: number | null;
}

export interface ServicesRequest {
  /** Page size, 1–1000. @default 100 */
  limit?: number;
  /** @default 0 */
  offset?: number;
}
