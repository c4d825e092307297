// The secret verbs: agents store, list, check and delete secrets (never read them back); services read them
// through `ctx.secret` when their capability allows. Every change and every read is an event that names the
// secret, never its value.
import { SoloError, type Capability, type EventInput, type SecretInfo, type TenantId } from '@solo/protocol';
import type { RequestMeta } from '../kernel-types.ts';
import type { NodeSecurity } from './node-security.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { SecretStore } from './secret-store.ts';

/** `secret_accessed` events per service and secret: one a minute (a service reading in a loop must not flood the log). */
const ACCESS_EVENT_RATE = { requests_per_second: 1 / 60, burst: 1 };

/** What {@link SecretVerbs} needs. */
export interface SecretVerbsDeps {
  store: () => SecretStore | null;
  security: NodeSecurity;
  append: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<number>;
  appendQuietly: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<void>;
  now?: () => number;
}

/** The vault, as the kernel's verbs reach it. */
export class SecretVerbs {
  readonly #d: SecretVerbsDeps;
  readonly #accessEvents: RateLimiter;

  constructor(d: SecretVerbsDeps) {
    this.#d = d;
    this.#accessEvents = new RateLimiter({ now: d.now, maxBuckets: 10_000 });
  }

  #store(): SecretStore {
    const s = this.#d.store();
    if (s === null) throw new SoloError('unavailable', 'This node has no secrets vault configured.', { details: { reason: 'no_vault' } });
    return s;
  }

  /** Stores (or replaces) a secret. @throws `invalid_request` (name, value), `limit_exceeded` (size, count) */
  async set(tenant: TenantId, name: unknown, value: unknown, meta: RequestMeta): Promise<SecretInfo> {
    if (typeof name !== 'string') throw new SoloError('invalid_request', 'name must be a string.', { details: { field: 'name' } });
    if (typeof value !== 'string') throw new SoloError('invalid_request', 'value must be a string (encode binary values as base64).', { details: { field: 'value' } });
    const info = this.#store().set(tenant, name, value);
    await this.#d.append({ type: 'secret_stored', tenant, service_id: null, data: { name: info.name, version: info.version, size: info.size } }, meta);
    return info;
  }

  list(tenant: TenantId): SecretInfo[] {
    return this.#store().list(tenant);
  }

  exists(tenant: TenantId, name: unknown): boolean {
    if (typeof name !== 'string') throw new SoloError('invalid_request', 'name must be a string.', { details: { field: 'name' } });
    return this.#store().exists(tenant, name);
  }

  async delete(tenant: TenantId, name: unknown, meta: RequestMeta): Promise<boolean> {
    if (typeof name !== 'string') throw new SoloError('invalid_request', 'name must be a string.', { details: { field: 'name' } });
    const deleted = this.#store().delete(tenant, name);
    if (deleted) await this.#d.append({ type: 'secret_deleted', tenant, service_id: null, data: { name } }, meta);
    return deleted;
  }

  /** `ctx.secret(name)`: the value, when the service's capability allows `secrets:read`. */
  async fromService(tenant: TenantId, service: string, cap: Capability | null, name: string): Promise<string> {
    try {
      this.#d.security.authorizeService({ tenant, service, cap }, 'secrets:read', name);
      const value = this.#store().get(tenant, name);
      if (this.#accessEvents.take(`${tenant}/${service}/${name}`, ACCESS_EVENT_RATE) === 0) {
        void this.#d.appendQuietly({ type: 'secret_accessed', tenant, service_id: service, data: { name } }, {});
      }
      return value;
    } catch (err) {
      const code = err instanceof SoloError ? err.code : 'internal';
      void this.#d.appendQuietly({ type: 'secret_access_denied', tenant, service_id: service, data: { name: typeof name === 'string' ? name.slice(0, 128) : null, code } }, {});
      throw err;
    }
  }

  /** Re-wraps every tenant's data key with a new master key. */
  async rotateMaster(meta: RequestMeta): Promise<{ rewrapped: number; master_key_id: string }> {
    const r = this.#store().rotateMaster();
    await this.#d.append({ type: 'master_key_rotated', tenant: null, service_id: null, data: { master_key_id: r.master_key_id, rewrapped: r.rewrapped } }, meta);
    return r;
  }

  /** Deletes every secret of a tenant (tenant deletion). */
  deleteTenant(tenant: TenantId): number {
    const s = this.#d.store();
    return s === null ? 0 : s.deleteTenant(tenant);
  }
}
