// Why an actor stopped, as data: supervisors decide restarts from it (a `transient` child restarts only on crash).
import type { WireError } from './error-codes.ts';

/** The reason an actor exited. */
export type ExitReason = { kind: 'normal' } | { kind: 'shutdown' } | { kind: 'crash'; error: WireError };

/** Restart type of a child, in OTP terms. */
export const RESTART_TYPES = ['permanent', 'transient', 'temporary'] as const;
/** One restart type. */
export type RestartType = (typeof RESTART_TYPES)[number];

/** Restart strategy of a tenant supervisor, in OTP terms. */
export const RESTART_STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one'] as const;
/** One restart strategy. */
export type RestartStrategy = (typeof RESTART_STRATEGIES)[number];

/** What a tenant supervisor does when a child exceeds its restart intensity, in OTP terms. */
export const ESCALATION_POLICIES = ['stop_all', 'mark_failed'] as const;
/** One escalation policy: `stop_all` stops every service of the tenant, `mark_failed` only fails that child. */
export type EscalationPolicy = (typeof ESCALATION_POLICIES)[number];
