// Recovery of the kernel state at start-up: newest valid checkpoint, replay of the log after it, then the
// kernel restores its services. Emits recovery_started / checkpoint_rejected / recovery_completed.
import type { EventInput, RecoveryFigures } from '@solo/protocol';
import type { EventLog, LocalStore } from '@solo/store';
import { applyEvent, type KernelState } from '../state/kernel-state.ts';
import { loadCheckpoint } from './checkpoints.ts';

/** Page size of the replay reads. */
const REPLAY_PAGE = 1000;

/** What recovery did, as recorded in `recovery_completed` and reported by `health`. */
export type RecoveryReport = RecoveryFigures;

/** What recovery needs from the kernel. */
export interface RecoveryDeps {
  events: EventLog;
  local: LocalStore;
  now: () => number;
  append(ev: Omit<EventInput, 'at'>): Promise<void>;
  /** Rebuilds the runtime from the state and starts services; resolves when every start has settled. */
  restore(state: KernelState): Promise<{ started: number; failed: number }>;
}

/** Loads, replays and restores; returns the figures. */
export async function recoverKernelState(d: RecoveryDeps): Promise<RecoveryReport> {
  const t0 = performance.now();
  const logLast = await d.events.lastSeq();
  const { state, fromSeq, rejected } = loadCheckpoint(d.local, logLast);
  let replayed = 0;
  for await (const page of d.events.scan({ sinceSeq: state.seq + 1, untilSeq: logLast, pageSize: REPLAY_PAGE })) {
    for (const ev of page) {
      applyEvent(state, ev);
      replayed++;
    }
  }
  await d.append({ type: 'recovery_started', tenant: null, service_id: null, data: { checkpoint_seq: fromSeq, replayed_events: replayed } });
  for (const r of rejected) {
    await d.append({ type: 'checkpoint_rejected', tenant: null, service_id: null, data: { seq: r.seq, reason: r.reason, fallback: fromSeq === 0 ? 'full_replay' : `checkpoint ${fromSeq}` } });
  }
  const { started, failed } = await d.restore(state);
  const report: RecoveryReport = {
    checkpoint_seq: fromSeq,
    replayed_events: replayed,
    services: Object.keys(state.services).length,
    started,
    failed,
    rejected_checkpoints: rejected.length,
    duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
  };
  await d.append({ type: 'recovery_completed', tenant: null, service_id: null, data: { ...report } });
  return report;
}
