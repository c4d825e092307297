// Service discovery for one node: registrations live in the `solo_registry` KV bucket (durable, shared by the
// nodes of a cluster) and in a local copy fed by a watch, so discover and list read memory, not the bucket.
import { SoloError, type DiscoverReply, type Registration, type ServiceId, type TenantId } from '@solo/protocol';
import type { RegistryChange } from '@solo/store';
import type { KernelLogger } from '../kernel-types.ts';
import { compareRegistrations, isExpired, isRegistrationRecord, matchesQuery, registrationId, visibleTo, type DiscoverQuery, type RegistrationRecord } from './registration-record.ts';

/** The bucket as the registry uses it (a `RegistryBucket` of `@solo/store`). */
export interface RegistryBucketPort {
  put(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
  watch(onChange: (c: RegistryChange) => void): Promise<void>;
  stop(): void;
}

/** What the registry needs from the kernel. */
export interface ServiceRegistryPort {
  bucket: RegistryBucketPort;
  now(): number;
  /** The live facts of a service deployed on this node, or null when it is not. */
  lookup(tenant: string, service: string): { alive: boolean; version: string } | null;
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  log: KernelLogger;
}

/** A validated register request. */
export interface RegisterInput {
  service: ServiceId;
  name: string;
  version: string | undefined;
  tags: Record<string, string>;
  ttlMs: number | undefined;
  sharedWith: string[];
}

/** Expired registrations are removed from the bucket this often (reads hide them at once). */
const PURGE_INTERVAL_MS = 5000;

const keyOf = (tenant: string, service: string, name: string): string => `${tenant}.${service}.${name}`;

/** The discovery verbs: register, deregister, discover, services. */
export class ServiceRegistry {
  readonly #p: ServiceRegistryPort;
  readonly #records = new Map<string, RegistrationRecord>();
  #timer: NodeJS.Timeout | null = null;

  constructor(port: ServiceRegistryPort) {
    this.#p = port;
  }

  /** Loads every stored registration and follows changes (from any node). @throws `unavailable` */
  async start(): Promise<void> {
    await this.#p.bucket.watch((c) => this.#apply(c));
    this.#timer = setInterval(() => void this.purgeExpired(), PURGE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Stops the watch and the purge timer. Idempotent. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#p.bucket.stop();
  }

  /**
   * Registers (or re-registers, renewing the TTL) a deployed service under a logical name.
   * @throws `not_found` when the service is not deployed; `unavailable` when the bucket cannot be written
   */
  async register(tenant: TenantId, input: RegisterInput, lockKey: string): Promise<Registration> {
    return this.#p.withLock(lockKey, async () => {
      const live = this.#p.lookup(tenant, input.service);
      if (!live) {
        throw new SoloError('not_found', `Service '${input.service}' is not deployed for tenant '${tenant}'. Deploy it first (\`solo deploy\`), then register it.`, {
          details: { service_id: input.service },
        });
      }
      const nowMs = this.#p.now();
      const record: RegistrationRecord = {
        tenant,
        service_id: input.service,
        name: input.name,
        version: input.version ?? live.version,
        tags: { ...input.tags },
        shared_with: [...new Set(input.sharedWith)].sort(),
        registered_at: new Date(nowMs).toISOString(),
        expires_at: input.ttlMs === undefined ? null : new Date(nowMs + input.ttlMs).toISOString(),
      };
      const key = keyOf(tenant, input.service, input.name);
      await this.#p.bucket.put(key, record);
      // The watch echoes the write later; reading our own write must not wait for it.
      this.#records.set(key, record);
      return { id: registrationId(record), ...record, alive: live.alive };
    });
  }

  /**
   * Removes a service's registrations (only `name` when given).
   * @throws `not_found` when there is nothing to remove
   */
  async deregister(tenant: TenantId, service: ServiceId, name: string | undefined, lockKey: string): Promise<number> {
    return this.#p.withLock(lockKey, async () => {
      const removed = await this.forgetService(tenant, service, name);
      if (removed === 0) {
        const what = name === undefined ? `Service '${service}'` : `Service '${service}' under the name '${name}'`;
        throw new SoloError('not_found', `${what} is not registered for tenant '${tenant}'. Run \`solo discover --tenant ${tenant}\` to see the registrations.`, {
          details: { service_id: service },
        });
      }
      return removed;
    });
  }

  /** Removes every registration of a service; the kernel calls it under the service's lock when it is killed. */
  async forgetService(tenant: string, service: string, name?: string): Promise<number> {
    const keys = [...this.#records.entries()]
      .filter(([, r]) => r.tenant === tenant && r.service_id === service && (name === undefined || r.name === name))
      .map(([k]) => k);
    for (const k of keys) {
      await this.#p.bucket.remove(k);
      this.#records.delete(k);
    }
    return keys.length;
  }

  /** One page of the registrations `tenant` may see that match the query, ordered by id; expired ones never show. */
  discover(tenant: TenantId, q: DiscoverQuery): DiscoverReply {
    const nowMs = this.#p.now();
    const all: Registration[] = [];
    for (const r of this.#records.values()) {
      if (!visibleTo(r, tenant) || isExpired(r, nowMs) || !matchesQuery(r, q)) continue;
      const alive = this.#p.lookup(r.tenant, r.service_id)?.alive ?? false;
      if (q.aliveOnly && !alive) continue;
      all.push({ id: registrationId(r), ...r, alive });
    }
    all.sort(compareRegistrations);
    const page = all.slice(q.offset, q.offset + q.limit);
    const next = q.offset + page.length;
    return { services: page, total: all.length, next_offset: next < all.length ? next : null };
  }

  /** Removes expired registrations from the bucket. Failures are logged and retried on the next tick. */
  async purgeExpired(): Promise<number> {
    const nowMs = this.#p.now();
    let n = 0;
    for (const [k, r] of [...this.#records.entries()]) {
      if (!isExpired(r, nowMs)) continue;
      try {
        await this.#p.bucket.remove(k);
        this.#records.delete(k);
        n++;
      } catch (err) {
        this.#p.log.warn('could not purge an expired registration', { key: k, error: String(err) });
      }
    }
    return n;
  }

  #apply(c: RegistryChange): void {
    if (c.value !== null && isRegistrationRecord(c.value)) this.#records.set(c.key, c.value);
    else this.#records.delete(c.key);
  }
}
