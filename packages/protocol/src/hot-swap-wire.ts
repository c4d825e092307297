// Wire bodies of the code-change verbs: `swap` (hot code replacement with a rollback window), `replace`
// (restart on new code with fresh state), `rollback` (back to a version kept in the history) and `history`.

/** Default length of the watchdog window after a swap (30 s). */
export const DEFAULT_ROLLBACK_WINDOW_MS = 30_000;
/** Longest accepted rollback window (1 h). */
export const MAX_ROLLBACK_WINDOW_MS = 3_600_000;

export interface SwapRequest {
  service_id: string;
  /** TypeScript or JavaScript source of the new version. */
  source: string;
  /** File name, used in compile errors. @default '<service_id>.ts' */
  filename?: string;
  /**
   * How long the watchdog keeps the old code and state: a crash of the new version inside it rolls back.
   * 0 closes the window at once. @default 30000, at most 3600000
   */
  rollback_window_ms?: number;
}
export interface SwapReply {
  service_id: string;
  /** The new version number (the service's highest version + 1). */
  version: number;
  /** The version that was running before. */
  from_version: number;
  code_version: string | null;
  artifact_hash: string;
  rollback_window_ms: number;
  swapped_at: string;
  /** Time the service's mailbox was held: from pausing the old version to the new one taking messages, ms. */
  switch_ms: number;
  /** Whole swap, compile included, ms. */
  duration_ms: number;
  /** Sequence of the `hot_swap_started` event. */
  event_seq: number;
}

export interface ReplaceRequest {
  service_id: string;
  source: string;
  /** @default '<service_id>.ts' */
  filename?: string;
}
export interface ReplaceReply {
  service_id: string;
  version: number;
  from_version: number;
  code_version: string | null;
  artifact_hash: string;
  replaced_at: string;
  duration_ms: number;
  /** Sequence of the `service_replaced` event. */
  event_seq: number;
}

export interface RollbackRequest {
  service_id: string;
  /** A version from `history`. @default the version that was current before the current one */
  to_version?: number;
}
export interface RollbackReply {
  service_id: string;
  /** The version now running (a version number from the history, not a new one). */
  version: number;
  from_version: number;
  code_version: string | null;
  artifact_hash: string;
  rolled_back_at: string;
  /** Sequence of the `service_rolled_back` event. */
  event_seq: number;
}

/** One version of a service's code, as it became current. */
export interface VersionInfo {
  version: number;
  code_version: string | null;
  artifact_hash: string;
  /** When it became current. */
  at: string;
  /** What made it current: deploy, swap, swap_rollback, replace or rollback. */
  via: string;
}
export interface HistoryReply {
  service_id: string;
  current_version: number;
  /** Newest first. */
  versions: VersionInfo[];
}
