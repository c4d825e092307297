// Options of an Actor and of its stop, validated once into resolved forms before the actor does anything.
import { SoloError, type ExitReason } from '@solo/protocol';

/** Options of `new Actor(…)`. */
export interface ActorOptions {
  tenant: string;
  service: string;
  /** Incarnations a cast may crash before it is dead-lettered. @default 3 */
  maxCastAttempts?: number;
  /** Pending timers the actor may hold. @default 1000 */
  maxTimers?: number;
  /** Told of every crash of an incarnation, and once of the final stop. */
  onExit: (reason: ExitReason) => void;
  /**
   * Told how long the synchronous part of each handler held this thread (ms) and when it ended
   * (`performance.now()`): the owner's load shedder weighs tenants by it. @default none
   */
  onBusy?: (syncMs: number, endMs: number) => void;
}

/** {@link ActorOptions} with defaults applied (`onBusy` stays optional). */
export type ResolvedActorOptions = Required<Omit<ActorOptions, 'onBusy'>> & Pick<ActorOptions, 'onBusy'>;

/** Options of `Actor.stop`. */
export interface ActorStopOptions {
  /** Skip the in-flight message and terminate; dispose at once. @default false */
  force?: boolean;
  /** Bound on finishing the in-flight message plus running terminate. @default 5000 */
  timeoutMs?: number;
  /** Passed to terminate and reported to onExit. @default 'normal' */
  reason?: 'normal' | 'shutdown';
}

/** {@link ActorStopOptions} with defaults applied. */
export type ResolvedActorStopOptions = Required<ActorStopOptions>;

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new SoloError('invalid_request', `${name} must be an integer >= 1, got ${String(value)}.`, { details: { field: name } });
  return v;
}

/** @throws `invalid_request` when maxCastAttempts or maxTimers is not a positive integer. */
export function resolveActorOptions(opts: ActorOptions): ResolvedActorOptions {
  return {
    tenant: opts.tenant,
    service: opts.service,
    maxCastAttempts: positiveInt('maxCastAttempts', opts.maxCastAttempts, 3),
    maxTimers: positiveInt('maxTimers', opts.maxTimers, 1000),
    onExit: opts.onExit,
    onBusy: opts.onBusy,
  };
}

/** @throws `invalid_request` when timeoutMs is negative or not a number, or reason is unknown. */
export function resolveActorStopOptions(opts: ActorStopOptions = {}): ResolvedActorStopOptions {
  const timeoutMs = opts.timeoutMs ?? 5000;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new SoloError('invalid_request', `Stop timeoutMs must be a number >= 0, got ${String(opts.timeoutMs)}.`, { details: { field: 'timeout_ms' } });
  }
  const reason = opts.reason ?? 'normal';
  if (reason !== 'normal' && reason !== 'shutdown') {
    throw new SoloError('invalid_request', `Stop reason must be 'normal' or 'shutdown', got '${String(reason)}'.`, { details: { field: 'reason' } });
  }
  return { force: opts.force === true, timeoutMs, reason };
}
