// The supervision flags shared by `solo deploy` and `solo supervision` (intensity and backoff), and the
// parsing of durations such as `30s` for `solo swap --rollback-window`. Every failure is a usage error.
import type { Command } from 'commander';
import { SoloError, type BackoffOptions } from '@solo/protocol';
import { parseIntegerOption } from './argument-parsing.ts';

/** The flag values as commander hands them over. */
export interface SupervisionFlagValues {
  maxRestarts?: string;
  maxSeconds?: string;
  backoffInitialMs?: string;
  backoffMaxMs?: string;
  backoffMultiplier?: string;
  backoffJitter?: string;
}

/** Adds --max-restarts, --max-seconds and the --backoff-* flags to `cmd`; `scope` says what they override. */
export function addSupervisionFlags(cmd: Command, scope: string): Command {
  return cmd
    .option(
      '--max-restarts <n>',
      `restarts allowed within --max-seconds before the service fails (${scope}, default 3)`,
    )
    .option('--max-seconds <n>', `length of the restart intensity window in seconds (${scope}, default 5)`)
    .option(
      '--backoff-initial-ms <n>',
      `delay before the first restart in ms; 0 restarts at once (${scope}, default 0)`,
    )
    .option('--backoff-max-ms <n>', `cap of any restart delay in ms (${scope}, default 5000)`)
    .option('--backoff-multiplier <n>', `factor per further restart, >= 1 (${scope}, default 2)`)
    .option('--backoff-jitter <n>', `relative spread of each delay, 0-1 (${scope}, default 0.2)`);
}

/** A finite number option. @throws `invalid_request` naming the flag */
export function parseNumberOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n))
    throw new SoloError('invalid_request', `${flag} must be a number, got '${value}'.`, { details: { field: flag } });
  return n;
}

/** The intensity and backoff the flags set (only those given); ranges are checked by the node. */
export function parseSupervisionFlags(o: SupervisionFlagValues): {
  max_restarts?: number;
  max_seconds?: number;
  backoff?: BackoffOptions;
} {
  const out: { max_restarts?: number; max_seconds?: number; backoff?: BackoffOptions } = {};
  const maxRestarts = parseIntegerOption(o.maxRestarts, '--max-restarts', 0);
  const maxSeconds = parseNumberOption(o.maxSeconds, '--max-seconds');
  if (maxRestarts !== undefined) out.max_restarts = maxRestarts;
  if (maxSeconds !== undefined) out.max_seconds = maxSeconds;
  const backoff: BackoffOptions = {};
  const initial = parseIntegerOption(o.backoffInitialMs, '--backoff-initial-ms', 0);
  const max = parseIntegerOption(o.backoffMaxMs, '--backoff-max-ms', 0);
  const multiplier = parseNumberOption(o.backoffMultiplier, '--backoff-multiplier');
  const jitter = parseNumberOption(o.backoffJitter, '--backoff-jitter');
  if (initial !== undefined) backoff.initial_ms = initial;
  if (max !== undefined) backoff.max_ms = max;
  if (multiplier !== undefined) backoff.multiplier = multiplier;
  if (jitter !== undefined) backoff.jitter = jitter;
  if (Object.keys(backoff).length > 0) out.backoff = backoff;
  return out;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration such as `30s`, `500ms`, `2m` or `1h`; a bare number is milliseconds.
 * @throws `invalid_request` naming the flag for anything else, a fraction of a ms, or a negative value
 */
export function parseDurationOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new SoloError(
      'invalid_request',
      `${flag} must be a duration such as 30s, 500ms, 2m or 1h (a bare number is ms), got '${value}'.`,
      { details: { field: flag } },
    );
  }
  return ms;
}
