// Restoring the kernel's services after recovery: rebuilds the runtime entries from a recovered kernel state
// and starts what should run. Recovery calls it once the state is rebuilt.
import type { LocalStore } from '@solo/store';
import type { SupervisorTree } from '@solo/supervisor';
import type { ServiceId, TenantId } from '@solo/protocol';
import type { DurableSupport } from './durable/durable-support.ts';
import type { EventJournal } from './event-journal.ts';
import { withLimitDefaults } from './resolve-limits.ts';
import { serviceKey, type ServiceEntry } from './service-entry.ts';
import { failedError, type ServiceRuntime } from './service-runtime.ts';
import type { KernelState } from './state/kernel-state.ts';
import { tenantsWithSupervision } from './state/tenant-supervision.ts';
import { childSpecOf, maxCastAttemptsOf, policyInput } from './supervision/supervision-options.ts';

/** What a {@link ServiceRestorer} needs from the kernel. */
export interface ServiceRestorerDeps {
  local: LocalStore;
  durable: DurableSupport;
  journal: EventJournal;
  runtime: ServiceRuntime;
  tree: SupervisorTree;
  /** The kernel's service entries by key; restore fills it. */
  services: Map<string, ServiceEntry>;
}

/** Rebuilds the kernel's service entries from a recovered state. */
export class ServiceRestorer {
  readonly #d: ServiceRestorerDeps;

  constructor(deps: ServiceRestorerDeps) {
    this.#d = deps;
  }

  /** Rebuilds runtime entries from a recovered state and starts what should run. Returns when all have started. */
  async restore(state: KernelState): Promise<{ started: number; failed: number }> {
    this.#d.journal.adopt(state);
    const records = Object.values(state.services).sort((a, b) => a.deployed_seq - b.deployed_seq);
    let failed = 0;
    for (const [tenant, stored] of tenantsWithSupervision(state)) this.#d.tree.setTenantPolicy(tenant, policyInput(stored.policy));
    for (const record of records) {
      const tenant = record.tenant as TenantId;
      const service = record.service_id as ServiceId;
      // A checkpoint written before a limit existed has records without it.
      record.limits = withLimitDefaults(record.limits);
      const key = serviceKey(tenant, service);
      const code = this.#d.local.artifacts.verify(record.current.artifact_hash) ? this.#d.local.artifacts.get(record.current.artifact_hash) : undefined;
      const entry: ServiceEntry = {
        tenant,
        service,
        key,
        record,
        code: code ?? '',
        status: 'starting',
        actor: this.#d.runtime.newActor(key, tenant, service, maxCastAttemptsOf(record.options)),
        startedAtMs: null,
        restarts: 0,
        lastCrash: null,
        lastHeapBytes: 0,
        appliedSeq: this.#d.durable.appliedSeq(tenant, service),
      };
      this.#d.services.set(key, entry);
      if (code === undefined && !record.failed) {
        // Modified or missing code is never started: the hash in the log is what was deployed.
        entry.status = 'failed';
        entry.actor.close(failedError(entry));
        await this.#d.journal.append(
          { type: 'service_failed', tenant, service_id: service, data: { reason: 'artifact_mismatch', artifact_hash: record.current.artifact_hash } },
          {},
        );
        failed++;
        continue;
      }
      if (record.failed) {
        entry.status = 'failed';
        entry.actor.close(failedError(entry));
        failed++;
        continue;
      }
      this.#d.tree.addChild(tenant, service, childSpecOf(record.restart, record.options));
    }
    await this.#d.runtime.startsSettled();
    for (const e of this.#d.services.values()) this.#d.durable.armTimers(e, () => this.#d.services.get(e.key) === e);
    const fixed = await this.#d.durable.dropOrphans(new Set(this.#d.services.keys()));
    for (const f of fixed) await this.#d.journal.appendQuietly({ type: 'inconsistency_fixed', tenant: f.tenant, service_id: null, data: { ...f } }, {});
    let started = 0;
    for (const e of this.#d.services.values()) if (e.status === 'running') started++;
    return { started, failed };
  }
}
