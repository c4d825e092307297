// Crash reasons of a service incarnation and the one `service_crashed` error that reports them.
// Sandboxes raise it; the actor cell and the supervisor read `details.reason`.
import { SoloError, isSoloError } from '@solo/protocol';

/** Why an incarnation crashed, as carried in `details.reason` of a `service_crashed` error. */
export const CRASH_REASONS = ['throw', 'cpu_limit', 'wall_limit', 'memory_limit', 'bad_return', 'disposed', 'linked'] as const;
/** One crash reason. */
export type CrashReason = (typeof CRASH_REASONS)[number];

const ADVICE: Record<CrashReason, string> = {
  throw: 'Fix the handler so it does not throw; the supervisor restarts the actor.',
  cpu_limit: 'Make the handler cheaper or raise `limits.cpu_ms` on deploy.',
  wall_limit: 'Make the handler settle sooner (check awaited ctx.call timeouts) or raise `limits.wall_ms` on deploy.',
  memory_limit: 'Keep less in memory or raise `limits.memory_mb` on deploy.',
  bad_return: 'Return plain JSON (objects, arrays, strings, finite numbers, booleans, null) from handlers.',
  disposed: 'The actor was stopped or replaced while the message was being handled; retry.',
  linked: 'A linked service crashed; export `trapExits: true` to receive it in handleInfo instead, or unlink.',
};

/** Where a crash happened, for the message. */
export interface CrashSite {
  tenant: string;
  service: string;
  /** The handler or phase, e.g. 'handleCall' or 'module evaluation'. */
  phase: string;
}

/** Builds the `service_crashed` error of an incarnation. `error` is the thrown message or limit description. */
export function serviceCrashed(site: CrashSite, reason: CrashReason, error: string): SoloError {
  return new SoloError(
    'service_crashed',
    `Service '${site.service}' of tenant '${site.tenant}' crashed in ${site.phase} (${reason}): ${error}. ${ADVICE[reason]}`,
    { details: { reason, error } },
  );
}

/** The crash reason carried by a `service_crashed` error, or null for any other error. */
export function crashReasonOf(err: unknown): CrashReason | null {
  if (!isSoloError(err, 'service_crashed')) return null;
  const reason = err.details?.['reason'];
  return typeof reason === 'string' && (CRASH_REASONS as readonly string[]).includes(reason) ? (reason as CrashReason) : null;
}

/**
 * The error a cast is rejected with once it crashed `attempts` incarnations: `service_crashed` with
 * `details: { dead_letter: true, attempts, reason, error }`.
 */
export function deadLettered(site: Omit<CrashSite, 'phase'>, attempts: number, crash: SoloError): SoloError {
  const reason = crashReasonOf(crash) ?? crash.code;
  return new SoloError(
    'service_crashed',
    `A cast to service '${site.service}' of tenant '${site.tenant}' crashed it ${attempts} times and was dead-lettered (${reason}): ${crash.message}`,
    { details: { dead_letter: true, attempts, reason, error: crash.details?.['error'] ?? crash.message } },
  );
}

/**
 * The `service_crashed` error of an actor taken down by a crash of the service it is linked with:
 * `details: { reason: 'linked', from, error }`.
 */
export function linkedCrash(site: Omit<CrashSite, 'phase'>, from: string, cause: { code: string; message: string }): SoloError {
  return new SoloError(
    'service_crashed',
    `Service '${site.service}' of tenant '${site.tenant}' crashed because its linked service '${from}' crashed (${cause.code}: ${cause.message}). ${ADVICE.linked}`,
    { details: { reason: 'linked', from, error: cause.message } },
  );
}
