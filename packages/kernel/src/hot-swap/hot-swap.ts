// Hot code replacement of a running service: compile the new version, start it beside the old one, hold the
// mailbox, migrate the state through the new version's `codeChange`, switch, and watch the new version for the
// rollback window. A crash inside the window restores the old code with the state captured at the switch.
import { compileService, type CompiledService, type SandboxedActor } from '@solo/actor-core';
import { SoloError, toWireError, type SwapReply, type WireError } from '@solo/protocol';
import type { RequestMeta } from '../kernel-types.ts';
import type { ServiceEntry } from '../service-entry.ts';
import type { PhaseRunner } from '../tracing/phased-span.ts';
import { traceSwap, type SwapPhase } from '../tracing/swap-tracing.ts';
import type { CodeChangePort, SwapInput } from './code-change-types.ts';
import { SwapWatchdog, type OpenSwap } from './swap-watchdog.ts';

/** How a swap's window ended without a rollback, as recorded in `hot_swap_succeeded`. */
type WindowClose = 'window_elapsed' | 'superseded';

function notRunning(e: ServiceEntry): SoloError {
  return new SoloError(
    'unavailable',
    `Service '${e.service}' of tenant '${e.tenant}' is ${e.status}, not running, so its state cannot be migrated. Wait until it runs (\`solo status ${e.service}\`), or use \`solo replace\` to restart it on new code with fresh state.`,
    { details: { service_id: e.service, status: e.status } },
  );
}

function codeChangeFailed(e: ServiceEntry, err: unknown): SoloError {
  const wire = toWireError(err);
  const reason = String(wire.details?.['reason'] ?? wire.code);
  return new SoloError(
    'service_crashed',
    `The swap of service '${e.service}' of tenant '${e.tenant}' was aborted: codeChange of the new version crashed (${reason}): ${String(wire.details?.['error'] ?? wire.message)}. Version ${e.record.current.version} keeps running with its state; fix codeChange and swap again.`,
    { details: { phase: 'codeChange', reason, error: wire.details?.['error'] ?? wire.message, aborted: true } },
  );
}

/** Swaps of a node's services and their watchdog. */
export class HotSwap {
  readonly #p: CodeChangePort;
  readonly #watchdog: SwapWatchdog;

  constructor(port: CodeChangePort) {
    this.#p = port;
    this.#watchdog = new SwapWatchdog({
      setTimer: (fn, ms) => port.setTimer(fn, ms),
      clearTimer: (h) => port.clearTimer(h),
      onElapsed: (swap) => void port.withLock(swap.entry.key, () => this.#succeeded(swap, 'window_elapsed')),
    });
  }

  /**
   * Swaps the code of a running service; the caller holds the service's lock. Nothing changes when the new
   * code does not compile (`compile_error`, `rejected_code`), does not start or its codeChange crashes
   * (`service_crashed`, details.aborted), or the service is not running (`unavailable`).
   */
  swap(entry: ServiceEntry, input: SwapInput, meta: RequestMeta): Promise<SwapReply> {
    const t0 = performance.now();
    const target = { tenant: entry.tenant, service: entry.service, fromVersion: entry.record.current.version, toVersion: entry.record.last_version + 1 };
    return traceSwap(meta.correlationId ? { ...target, correlationId: meta.correlationId } : target, async (phase) => {
      const old = entry.actor.incarnation;
      if (entry.status !== 'running' || old === null || old.disposed) throw notRunning(entry);
      const compiled = await phase('compile', () => compileService(input.source, { filename: input.filename }));
      const spec = { tenant: entry.tenant, service: entry.service, code: compiled.code, limits: entry.record.limits };
      const next = await phase('start', () => this.#p.sandbox.spawn(spec, this.#p.hostFor(entry)));
      let switched: { seq: number; switchMs: number; swap: OpenSwap };
      try {
        // The artifact is stored before the event that names it, so a replay always finds the code.
        await phase('store', () => this.#p.local.artifacts.put(compiled.code));
        switched = await this.#switch(entry, old, next, compiled, input, meta, phase);
      } catch (err) {
        next.dispose();
        throw err;
      }
      if (input.rollbackWindowMs === 0) await this.#succeeded(switched.swap, 'window_elapsed');
      if (entry.record.durable) await this.#p.durable.snapshot(entry);
      return {
        service_id: entry.service,
        version: entry.record.current.version,
        from_version: switched.swap.from.version,
        code_version: entry.record.current.code_version,
        artifact_hash: compiled.hash,
        rollback_window_ms: input.rollbackWindowMs,
        swapped_at: new Date(this.#p.now()).toISOString(),
        switch_ms: round(switched.switchMs),
        duration_ms: round(performance.now() - t0),
        event_seq: switched.seq,
      };
    });
  }

  /**
   * A crash of `entry`: when it falls inside an open rollback window, the watchdog takes it (restores the
   * old version) and this returns true; otherwise false and the supervisor decides.
   */
  handleCrash(entry: ServiceEntry, error: WireError): boolean {
    const open = this.#watchdog.take(entry.key);
    if (!open) return false;
    if (open.entry !== entry) return false;
    entry.status = 'restarting';
    void this.#p.withLock(entry.key, () => this.#rollBack(open, error));
    return true;
  }

  /** Closes a service's open window as succeeded (a later swap, replace or rollback supersedes it). */
  async closeWindow(entry: ServiceEntry): Promise<void> {
    await this.#succeededNow(entry, 'superseded');
  }

  /** Drops a service's open window without a verdict (kill). */
  cancel(key: string): void {
    this.#watchdog.take(key);
  }

  /** Drops every window (node stop): a swap whose window was open keeps its new version. */
  stop(): void {
    this.#watchdog.stop();
  }

  async #switch(
    entry: ServiceEntry,
    old: SandboxedActor,
    next: SandboxedActor,
    compiled: CompiledService,
    input: SwapInput,
    meta: RequestMeta,
    phase: PhaseRunner<SwapPhase>,
  ): Promise<{ seq: number; switchMs: number; swap: OpenSwap }> {
    const pausedAt = performance.now();
    // Messages that arrive from here on queue in the actor cell, in order, for whichever version runs next.
    await entry.actor.pause();
    try {
      if (entry.actor.incarnation !== old || old.disposed || !this.#p.isCurrent(entry)) throw notRunning(entry);
      const fromState = await old.getState();
      const from = { ...entry.record.current };
      await phase('code_change', () => next.codeChange(fromState, from.code_version ?? String(from.version))).catch((err: unknown) => {
        throw codeChangeFailed(entry, err);
      });
      return await phase('switch', async () => {
        await this.#succeededNow(entry, 'superseded');
        const version = entry.record.last_version + 1;
        const seq = await this.#p.append(
          {
            type: 'hot_swap_started',
            tenant: entry.tenant,
            service_id: entry.service,
            data: { version, artifact_hash: compiled.hash, code_version: next.shape.codeVersion, from_version: from.version, rollback_window_ms: input.rollbackWindowMs },
          },
          meta,
        );
        const fromCode = entry.code;
        entry.actor.replaceIncarnation(next);
        entry.code = compiled.code;
        old.dispose();
        const swap: OpenSwap = { entry, from, fromCode, fromState, version };
        if (input.rollbackWindowMs > 0) this.#watchdog.open(swap, input.rollbackWindowMs);
        return { seq, switchMs: performance.now() - pausedAt, swap };
      });
    } finally {
      entry.actor.resume();
    }
  }

  async #rollBack(open: OpenSwap, error: WireError): Promise<void> {
    const { entry, from } = open;
    if (!this.#p.isCurrent(entry) || entry.actor.closed || entry.actor.incarnation !== null) return;
    const target = { tenant: entry.tenant, service: entry.service, fromVersion: open.version, toVersion: from.version };
    await traceSwap(target, (phase) =>
      phase('rollback', async () => {
        let inc: SandboxedActor | null = null;
        try {
          inc = await this.#p.sandbox.spawn({ tenant: entry.tenant, service: entry.service, code: open.fromCode, limits: entry.record.limits }, this.#p.hostFor(entry));
          await inc.setState(open.fromState);
          await this.#p.append(
            {
              type: 'hot_swap_rolled_back',
              tenant: entry.tenant,
              service_id: entry.service,
              data: {
                version: from.version,
                artifact_hash: from.artifact_hash,
                code_version: from.code_version,
                from_version: open.version,
                reason: `version ${open.version} crashed inside its rollback window: ${error.message}`,
                error: { ...error },
              },
            },
            {},
          );
        } catch (err) {
          inc?.dispose();
          this.#p.log.error('hot swap rollback failed; the supervisor restarts the service instead', { tenant: entry.tenant, service: entry.service, error: String(err) });
          this.#p.reportCrash(entry, { kind: 'crash', error });
          return;
        }
        entry.code = open.fromCode;
        entry.actor.attach(inc);
        entry.status = 'running';
        entry.startedAtMs = this.#p.now();
        if (entry.record.durable) await this.#p.durable.snapshot(entry);
      }),
    );
  }

  async #succeededNow(entry: ServiceEntry, how: WindowClose): Promise<void> {
    const open = this.#watchdog.take(entry.key);
    if (open) await this.#succeeded(open, how);
  }

  async #succeeded(swap: OpenSwap, how: WindowClose): Promise<void> {
    if (!this.#p.isCurrent(swap.entry)) return;
    await this.#p.append(
      { type: 'hot_swap_succeeded', tenant: swap.entry.tenant, service_id: swap.entry.service, data: { version: swap.version, from_version: swap.from.version, closed: how } },
      {},
    );
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
