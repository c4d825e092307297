// Crash reasons of a service incarnation and the one `service_crashed` error that reports them.
// Sandboxes raise it; the actor cell and the supervisor read `details.reason`.
import { SoloError, isSoloError, type SandboxLimits } from '@solo/protocol';

/** Why an incarnation crashed, as carried in `details.reason` of a `service_crashed` error. */
export const CRASH_REASONS = ['throw', 'cpu_limit', 'wall_limit', 'memory_limit', 'bad_return', 'disposed', 'linked', 'sandbox_died'] as const;
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
  sandbox_died: 'Its sandbox host process died (out of memory, or killed); the supervisor restarts the actor in a fresh process. If it recurs, keep fewer ArrayBuffers, WebAssembly memories and large strings alive.',
};

/**
 * The service limit behind each limit crash: carried as `details.limit` of the `service_crashed` error, so the
 * kernel can record a `resource_violation` without knowing how a sandbox detects it.
 */
export const CRASH_REASON_LIMITS: Partial<Record<CrashReason, keyof SandboxLimits>> = {
  cpu_limit: 'cpu_ms',
  wall_limit: 'wall_ms',
  memory_limit: 'memory_mb',
};

/** Where a crash happened, for the message. */
export interface CrashSite {
  tenant: string;
  service: string;
  /** The handler or phase, e.g. 'handleCall' or 'module evaluation'. */
  phase: string;
}

/**
 * Builds the `service_crashed` error of an incarnation. `error` is the thrown message or limit description.
 * `details` is `{ reason, error }`, plus `limit` (e.g. `cpu_ms`) when a limit was crossed.
 */
export function serviceCrashed(site: CrashSite, reason: CrashReason, error: string): SoloError {
  const limit = CRASH_REASON_LIMITS[reason];
  return new SoloError(
    'service_crashed',
    `Service '${site.service}' of tenant '${site.tenant}' crashed in ${site.phase} (${reason}): ${error}. ${ADVICE[reason]}`,
    { details: limit === undefined ? { reason, error } : { reason, error, limit } },
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
