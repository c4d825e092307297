// The kernel's event journal: appends events to the log, applies them to the in-memory kernel state (a
// reducer of that log) and schedules checkpoints of the state. The kernel and its verbs append through it.
import type { EventInput } from '@solo/protocol';
import type { EventLog, LocalStore } from '@solo/store';
import type { KernelLogger, RequestMeta } from './kernel-types.ts';
import type { NodeMetrics } from './metrics/node-metrics.ts';
import { writeCheckpoint } from './recovery/checkpoints.ts';
import { applyEvent, createKernelState, type KernelState } from './state/kernel-state.ts';

/** What an {@link EventJournal} writes to and reports into. */
export interface EventJournalDeps {
  events: EventLog;
  local: LocalStore;
  now: () => number;
  log: KernelLogger;
  metrics: NodeMetrics | undefined;
  /** A checkpoint of the kernel state is written after this many events. @default 1000 */
  checkpointEvery: number | undefined;
  /** True while the node takes requests; checkpoints are written only then. */
  ready: () => boolean;
}

/** Owns the kernel state: every change to it is an appended event. */
export class EventJournal {
  readonly #d: EventJournalDeps;
  #kstate: KernelState = createKernelState();
  #appendsInFlight = 0;
  #eventsSinceCheckpoint = 0;
  #checkpointing: Promise<void> | null = null;

  constructor(deps: EventJournalDeps) {
    this.#d = deps;
  }

  /** The live kernel state (not a copy). */
  get state(): KernelState {
    return this.#kstate;
  }

  /** Takes over a state rebuilt by recovery; later appends apply to it. */
  adopt(state: KernelState): void {
    this.#kstate = state;
  }

  /** Appends an event, applies it to the state and returns its sequence. @throws what the event log throws */
  async append(ev: Omit<EventInput, 'at'>, meta: RequestMeta): Promise<number> {
    const full: EventInput = { ...ev, at: new Date(this.#d.now()).toISOString() };
    if (meta.correlationId) full.correlation_id = meta.correlationId;
    this.#appendsInFlight++;
    let seq: number;
    try {
      seq = await this.#d.events.append(full);
    } finally {
      this.#appendsInFlight--;
    }
    applyEvent(this.#kstate, { ...full, seq });
    this.#d.metrics?.countEvent(full.type);
    this.#eventsSinceCheckpoint++;
    this.#maybeCheckpoint();
    return seq;
  }

  /** {@link append} for facts nobody waits on: a failure is logged, not thrown. */
  async appendQuietly(ev: Omit<EventInput, 'at'>, meta: RequestMeta): Promise<void> {
    try {
      await this.append(ev, meta);
    } catch (err) {
      this.#d.log.error('event append failed', { type: ev.type, error: String(err) });
    }
  }

  /** Resolves once a checkpoint being written (if any) is done. */
  async checkpointSettled(): Promise<void> {
    await this.#checkpointing;
  }

  /** Writes a checkpoint of the state now; a failure is logged, not thrown. */
  async checkpoint(): Promise<void> {
    this.#eventsSinceCheckpoint = 0;
    try {
      await writeCheckpoint(this.#d.local, this.#kstate, new Date(this.#d.now()).toISOString());
    } catch (err) {
      this.#d.log.error('checkpoint failed; recovery will replay further back', { error: String(err) });
    }
  }

  #maybeCheckpoint(): void {
    // Only at a quiet moment: with an append in flight, a lower sequence could still be unapplied, and a
    // checkpoint claiming "everything up to seq N" would then be a lie that replay trusts.
    if (!this.#d.ready() || this.#eventsSinceCheckpoint < (this.#d.checkpointEvery ?? 1000)) return;
    if (this.#appendsInFlight > 0 || this.#checkpointing) return;
    this.#checkpointing = this.checkpoint().finally(() => (this.#checkpointing = null));
  }
}
