// Wire bodies of the supervision verbs (`supervision`, `tree`) and of the per-service supervision options a
// deploy may carry. JSON, snake_case fields; the supervisor package holds the camelCase resolved forms.
import type { CrashInfo } from './wire.ts';
import type { EscalationPolicy, RestartStrategy, RestartType } from './exit-reason.ts';

/** Backoff between restarts: `initial_ms × multiplier^(n−1)`, capped at `max_ms`, spread by ±`jitter`. */
export interface BackoffOptions {
  /** Delay before the first restart in the intensity window, ms; 0 restarts at once. @default 0 */
  initial_ms?: number;
  /** Factor per further restart, >= 1. @default 2 */
  multiplier?: number;
  /** Cap of any delay, ms. @default 5000 */
  max_ms?: number;
  /** Relative spread in [0, 1]. @default 0.2 */
  jitter?: number;
}

/** Per-service supervision options of a deploy; unset fields inherit the tenant's policy. */
export interface ServiceSupervisionOptions {
  /** Restarts allowed within `max_seconds` before the service fails. @default the tenant's (3) */
  max_restarts?: number;
  /** Length of the intensity window, s. @default the tenant's (5) */
  max_seconds?: number;
  /** Overrides single fields of the tenant's backoff. */
  backoff?: BackoffOptions;
  /** Crashes a cast may cause before it is dead-lettered (poison message). @default 3 */
  max_cast_attempts?: number;
}

/** A tenant's supervision policy with every default applied. */
export interface SupervisionPolicy {
  strategy: RestartStrategy;
  max_restarts: number;
  max_seconds: number;
  escalation: EscalationPolicy;
  backoff: Required<BackoffOptions>;
}

/**
 * Body of the `supervision` verb: an empty body reads the tenant's policy; any field changes it (the fields
 * not given keep their current value) and appends `supervisor_policy_set`.
 */
export interface SupervisionRequest {
  strategy?: RestartStrategy;
  max_restarts?: number;
  max_seconds?: number;
  escalation?: EscalationPolicy;
  backoff?: BackoffOptions;
}
export interface SupervisionReply {
  tenant: string;
  policy: SupervisionPolicy;
  /** When the policy was last set, or null while the tenant runs on the defaults. */
  updated_at: string | null;
  /** Sequence of the `supervisor_policy_set` event this request appended, or null for a read. */
  event_seq: number | null;
}

/** One service in the `tree` reply, in deploy order. */
export interface SupervisedChild {
  service_id: string;
  /** State of the child machine: starting, running, crashed, backoff, restarting, stopping, stopped, failed. */
  state: string;
  restart: RestartType;
  /** Restarts made by the supervisor since the service was (re)deployed. */
  restarts: number;
  last_crash: CrashInfo | null;
}

/** Reply of the `tree` verb: the tenant's supervisor and its children (request body: `{}`). */
export interface TreeReply {
  tenant: string;
  /** 'escalated' after a `stop_all` escalation, until a service is deployed again. */
  state: 'supervising' | 'escalated';
  policy: SupervisionPolicy;
  /** Escalations since the node started. */
  escalations: number;
  children: SupervisedChild[];
}
