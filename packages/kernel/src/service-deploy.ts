// The deploy verb: compiles, checks, stores and starts a new service, leaving nothing behind when any step
// fails. The kernel calls it under the service's lock.
import { compileService, startIncarnation, type ActorHost, type ActorSandbox, type SandboxedActor } from '@solo/actor-core';
import { SoloError, isSoloError, toWireError, type DeployReply, type TenantId } from '@solo/protocol';
import type { LocalStore } from '@solo/store';
import type { SupervisorTree } from '@solo/supervisor';
import type { DurableSupport } from './durable/durable-support.ts';
import type { EventJournal } from './event-journal.ts';
import type { DeployInput, RequestMeta } from './kernel-types.ts';
import type { ExitSignals } from './links/exit-signals.ts';
import { resolveServiceLimits } from './resolve-limits.ts';
import type { ServiceEntry } from './service-entry.ts';
import { DEFAULT_SERVICE_LOG_LEVEL, LOG_LEVEL_OPTION } from './service-log-level.ts';
import { CAPABILITY_OPTION, serviceCapability } from './security/service-capability.ts';
import type { ServiceRuntime } from './service-runtime.ts';
import { recordKey, type ServiceRecord } from './state/kernel-state.ts';
import { checkServiceSupervision, childSpecOf, maxCastAttemptsOf } from './supervision/supervision-options.ts';
import { SPAN_NAMES, withSpan } from './tracing/spans.ts';

/** What a {@link ServiceDeployer} needs from the kernel. */
export interface ServiceDeployerDeps {
  sandbox: ActorSandbox;
  local: LocalStore;
  durable: DurableSupport;
  journal: EventJournal;
  runtime: ServiceRuntime;
  tree: SupervisorTree;
  signals: ExitSignals;
  /** The kernel's service entries by key; a deploy adds its entry at the commit point. */
  services: Map<string, ServiceEntry>;
  hostFor: (e: ServiceEntry) => ActorHost;
  /** Holds room for one more service of `memoryMb` in the tenant's limits until released. @throws `limit_exceeded` */
  reserveQuota: (tenant: TenantId, memoryMb: number) => () => void;
}

/** Carries out deploys for the kernel. */
export class ServiceDeployer {
  readonly #d: ServiceDeployerDeps;

  constructor(deps: ServiceDeployerDeps) {
    this.#d = deps;
  }

  /** The deploy verb under the service's lock (`key`). */
  async deploy(tenant: TenantId, key: string, input: DeployInput, meta: RequestMeta): Promise<DeployReply> {
    const t0 = performance.now();
    if (this.#d.services.has(key)) {
      throw new SoloError(
        'already_exists',
        `Service '${input.service}' is already deployed for tenant '${tenant}'. Kill it first (\`solo kill ${input.service}\`) or deploy under another \`--service-id\`.`,
        { details: { service_id: input.service } },
      );
    }
    let incarnation: SandboxedActor | null = null;
    let releaseQuota: (() => void) | null = null;
    try {
      const limits = resolveServiceLimits(input.limits);
      releaseQuota = this.#d.reserveQuota(tenant, limits.memory_mb);
      const supervision = checkServiceSupervision(input.restart, input.supervision);
      const compiled = await withSpan(SPAN_NAMES.deployCompile, {}, () => compileService(input.source, { filename: input.filename }));
      const actor = this.#d.runtime.newActor(key, tenant, input.service, maxCastAttemptsOf(supervision));
      const draft: ServiceEntry = {
        tenant,
        service: input.service,
        key,
        record: undefined as unknown as ServiceRecord, // set from the kernel state once the event is applied
        code: compiled.code,
        status: 'starting',
        actor,
        startedAtMs: null,
        restarts: 0,
        lastCrash: null,
        lastHeapBytes: 0,
        appliedSeq: 0,
        logLevel: input.logLevel ?? DEFAULT_SERVICE_LOG_LEVEL,
        draftCapability: input.capability
          ? serviceCapability(tenant, input.service, { [CAPABILITY_OPTION]: { permissions: input.capability.permissions, services: input.capability.services } })
          : null,
      };
      // Spawning and running init before the commit point is what lets a module without handlers, or an
      // init that throws, be refused without a trace in the kernel state.
      incarnation = await withSpan(SPAN_NAMES.deployAnalyse, {}, () =>
        startIncarnation(this.#d.sandbox, { tenant, service: input.service, code: compiled.code, limits }, this.#d.hostFor(draft), input.args),
      );
      const analysed = incarnation;
      const seq = await withSpan(SPAN_NAMES.deployStore, {}, async () => {
        await this.#d.local.artifacts.put(compiled.code);
        // A stale snapshot or timers of an earlier service under this id must not leak into the new one.
        await this.#d.durable.forget(tenant, input.service);
        return this.#d.journal.append(
          {
            type: 'service_deployed',
            tenant,
            service_id: input.service,
            data: {
              version: 1,
              code_version: analysed.shape.codeVersion,
              artifact_hash: compiled.hash,
              limits,
              args: input.args,
              filename: input.filename,
              source_bytes: compiled.sourceBytes,
              restart: input.restart,
              durable: input.durable,
              options: {
                [LOG_LEVEL_OPTION]: input.logLevel ?? DEFAULT_SERVICE_LOG_LEVEL,
                ...supervision,
                ...(input.capability ? { [CAPABILITY_OPTION]: { permissions: input.capability.permissions, services: input.capability.services } } : {}),
              },
            },
          },
          meta,
        );
      });
      const record = this.#d.journal.state.services[recordKey(tenant, input.service)];
      if (!record) throw new SoloError('internal', 'The deploy event did not produce a service record.');
      draft.record = record;
      releaseQuota(); // the state counts the service from here on
      releaseQuota = null;
      this.#d.services.set(key, draft);
      this.#d.runtime.prepare(key, incarnation);
      incarnation = null;
      await withSpan(SPAN_NAMES.deployStart, {}, () => this.#d.tree.addChild(tenant, input.service, childSpecOf(record.restart, record.options)));
      return {
        service_id: input.service,
        tenant,
        version: record.current.version,
        code_version: record.current.code_version,
        artifact_hash: compiled.hash,
        deployed_at: record.deployed_at,
        duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
        event_seq: seq,
      };
    } catch (err) {
      releaseQuota?.();
      incarnation?.dispose();
      if (!this.#d.services.has(key)) this.#d.signals.forget(key); // links its init made die with it
      if (isSoloError(err)) {
        await this.#d.journal.appendQuietly({ type: 'service_deployment_failed', tenant, service_id: input.service, data: { error: toWireError(err) } }, meta);
      }
      throw err;
    }
  }
}
