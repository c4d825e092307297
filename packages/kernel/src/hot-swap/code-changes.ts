// The code-change verbs of the kernel — swap, replace, rollback, history — each serialised with deploy and
// kill of the same service through the kernel's per-service lock.
import type { HistoryReply, ReplaceReply, RollbackReply, ServiceId, SwapReply, TenantId, WireError } from '@solo/protocol';
import type { RequestMeta } from '../kernel-types.ts';
import type { ServiceEntry } from '../service-entry.ts';
import type { CodeChangePort, ReplaceInput, RollbackInput, SwapInput } from './code-change-types.ts';
import { HotSwap } from './hot-swap.ts';
import { replaceService, rollbackService, serviceHistory } from './redeploy.ts';

/** What the verbs need beyond {@link CodeChangePort}. */
export interface CodeChangesPort extends CodeChangePort {
  accepting(): Promise<void>;
  /** The entry of a deployed service. @throws `not_found` */
  entry(tenant: TenantId, service: ServiceId): ServiceEntry;
  keyOf(tenant: TenantId, service: ServiceId): string;
}

/** Swap, replace, rollback and history of a node's services. */
export class CodeChanges {
  readonly #p: CodeChangesPort;
  readonly #hot: HotSwap;

  constructor(port: CodeChangesPort) {
    this.#p = port;
    this.#hot = new HotSwap(port);
  }

  /**
   * Hot-swaps a running service's code, keeping its state (through the new `codeChange`) and its mailbox.
   * @throws `not_found`, `compile_error`, `rejected_code`, `limit_exceeded`, `service_crashed` (codeChange
   * crashed; details.aborted), `unavailable` (not running); nothing changes on any of them.
   */
  swap(tenant: TenantId, input: SwapInput, meta: RequestMeta): Promise<SwapReply> {
    return this.#locked(tenant, input.service, (e) => this.#hot.swap(e, input, meta));
  }

  /** Restarts a service on new code with fresh state (a new version). @throws as deploy, and `not_found`. */
  replace(tenant: TenantId, input: ReplaceInput, meta: RequestMeta): Promise<ReplaceReply> {
    return this.#locked(tenant, input.service, (e) => replaceService(this.#p, this.#hot, e, input, meta));
  }

  /**
   * Restarts a service on a version from its history (code from LMDB) with fresh state.
   * @throws `not_found` (service, version or artifact), `invalid_request` (the version already runs).
   */
  rollback(tenant: TenantId, input: RollbackInput, meta: RequestMeta): Promise<RollbackReply> {
    return this.#locked(tenant, input.service, (e) => rollbackService(this.#p, this.#hot, e, input, meta));
  }

  /** The versions a service has run, newest first. @throws `not_found` */
  async history(tenant: TenantId, service: ServiceId): Promise<HistoryReply> {
    await this.#p.accepting();
    return serviceHistory(this.#p.entry(tenant, service));
  }

  /** A crash of `entry`; true when a swap's watchdog takes it (rolls back) instead of the supervisor. */
  handleCrash(entry: ServiceEntry, error: WireError): boolean {
    return this.#hot.handleCrash(entry, error);
  }

  /** Drops a service's rollback window (kill). */
  cancel(key: string): void {
    this.#hot.cancel(key);
  }

  /** Drops every rollback window (node stop). */
  stop(): void {
    this.#hot.stop();
  }

  async #locked<T>(tenant: TenantId, service: ServiceId, fn: (e: ServiceEntry) => Promise<T>): Promise<T> {
    await this.#p.accepting();
    return this.#p.withLock(this.#p.keyOf(tenant, service), () => fn(this.#p.entry(tenant, service)));
  }
}
