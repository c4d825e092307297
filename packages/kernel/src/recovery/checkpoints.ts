// Checkpoints of the kernel state in LMDB: written every N events and at graceful shutdown, verified by a
// sha256 checksum when loaded, the newest valid one wins, old ones are pruned.
import { createHash } from 'node:crypto';
import type { LocalStore } from '@solo/store';
import type { Json } from '@solo/protocol';
import { canonicalJson } from '../state/canonical-json.ts';
import { createKernelState, type KernelState } from '../state/kernel-state.ts';

/** How many checkpoints are kept; older ones are pruned after each write. */
export const CHECKPOINTS_KEPT = 3;
const LAST_KEY = 'last_checkpoint_seq';

interface StoredCheckpoint {
  seq: number;
  checksum: string;
  state: string;
  at: string;
}

/** Why a checkpoint was not used. */
export interface RejectedCheckpoint {
  seq: number;
  reason: 'checksum_mismatch' | 'unreadable' | 'missing' | 'ahead_of_log';
}

/** The state recovery starts from, and the checkpoints it had to skip. */
export interface LoadedCheckpoint {
  state: KernelState;
  /** Sequence of the checkpoint used; 0 when recovery replays the whole log. */
  fromSeq: number;
  rejected: RejectedCheckpoint[];
}

const keyOf = (seq: number): string => String(seq).padStart(16, '0');
const checksumOf = (json: string): string => createHash('sha256').update(json).digest('hex');

/** Writes a checkpoint of `state` (durable once resolved) and prunes all but the newest {@link CHECKPOINTS_KEPT}. */
export async function writeCheckpoint(local: LocalStore, state: KernelState, nowIso: string): Promise<void> {
  const json = canonicalJson(state);
  const value: StoredCheckpoint = { seq: state.seq, checksum: checksumOf(json), state: json, at: nowIso };
  const keys = [...local.checkpoints.entries({ reverse: true })].map(([k]) => k);
  await local.transaction(() => {
    void local.checkpoints.put(keyOf(state.seq), value as unknown as Json);
    void local.meta.put(LAST_KEY, state.seq);
    for (const k of keys.filter((k) => k !== keyOf(state.seq)).slice(CHECKPOINTS_KEPT - 1)) void local.checkpoints.remove(k);
  });
}

function parseStored(v: unknown): StoredCheckpoint | null {
  if (!v || typeof v !== 'object') return null;
  const c = v as Partial<StoredCheckpoint>;
  return typeof c.seq === 'number' && typeof c.checksum === 'string' && typeof c.state === 'string' ? (c as StoredCheckpoint) : null;
}

/**
 * The newest checkpoint whose checksum holds and which the log has not lost (its sequence is not beyond the
 * log's last sequence), else an empty state for a full replay.
 */
export function loadCheckpoint(local: LocalStore, logLastSeq: number): LoadedCheckpoint {
  const rejected: RejectedCheckpoint[] = [];
  const recorded = local.meta.get(LAST_KEY);
  if (typeof recorded === 'number' && recorded > 0 && local.checkpoints.get(keyOf(recorded)) === undefined) {
    rejected.push({ seq: recorded, reason: 'missing' });
  }
  for (const [key, raw] of local.checkpoints.entries({ reverse: true })) {
    const c = parseStored(raw);
    const seq = c?.seq ?? Number.parseInt(key, 10);
    if (!c) {
      rejected.push({ seq, reason: 'unreadable' });
      continue;
    }
    if (checksumOf(c.state) !== c.checksum) {
      rejected.push({ seq, reason: 'checksum_mismatch' });
      continue;
    }
    if (c.seq > logLastSeq) {
      rejected.push({ seq, reason: 'ahead_of_log' });
      continue;
    }
    try {
      const state = { ...createKernelState(), ...(JSON.parse(c.state) as KernelState) };
      return { state, fromSeq: c.seq, rejected };
    } catch {
      rejected.push({ seq, reason: 'unreadable' });
    }
  }
  return { state: createKernelState(), fromSeq: 0, rejected };
}
