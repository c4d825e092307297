// The shape of one case of the sandbox escape suite (issue #6): a hostile service, how the suite drives it, the
// outcome it must get, and the defence that is meant to stop it. Cases are data; escape-suite.int.test.ts runs them.
import type { AnalysisRule, ErrorCode, Json, ServiceLimits } from '@solo/protocol';
import type { CaseProbe } from './case-probe.ts';

/** What must stop a case: static analysis at deploy, the isolate itself, a resource limit, or the capability check. */
export type Defence = 'analysis' | 'isolate' | 'limit' | 'capability';

/**
 * Limits of every hostile deploy unless a case overrides some: small, so a CPU or memory bomb ends quickly
 * and the whole suite stays well under three minutes on two cores.
 */
export const HOSTILE_LIMITS = {
  cpu_ms: 50,
  wall_ms: 500,
  memory_mb: 16,
  mailbox_len: 50,
  max_timers: 100,
} as const satisfies ServiceLimits;

/** What the suite knows about the bystander, for messages that name it. */
export interface CaseEnv {
  bystanderTenant: string;
  /** The name of a secret the bystander tenant holds. */
  bystanderSecret: string;
}

/** How the suite drives the hostile service once it is deployed (`deploy` stops after the deploy). */
export type Drive =
  /** Deploy only: the outcome is the deploy's answer. */
  | { kind: 'deploy' }
  /**
   * Call it with `message`; with `upTo`, call again (up to that many calls) while the calls succeed or fail with
   * a code in `through`, and the outcome is the first other answer (or the last one when none was other).
   */
  | { kind: 'call'; message: Json | ((env: CaseEnv) => Json); upTo?: number; through?: readonly ErrorCode[] }
  /** Cast `message` to it once (a flood it starts itself); the outcome is read by `outcome.check`. */
  | { kind: 'cast'; message: Json }
  /** Kill it without `force` (its `terminate` runs); the outcome is the kill's answer. */
  | { kind: 'kill' };

/** The answer a drive ends with: a reply envelope of the API (`ok`, `reply`, `error`, …). */
export type Answer = Record<string, unknown>;

/** What a case must get. */
export type Outcome =
  /** The deploy is refused with `code` (`rejected_code` names the analysis `rule` that refused it). */
  | { kind: 'refused'; code: ErrorCode; rule?: AnalysisRule; reasons?: readonly string[] }
  /**
   * The call (or the deploy, for a drive `deploy`) fails with `code`; for `service_crashed`, with one of `reasons`
   * (`details.reason`), `limit` (`details.limit`) and a `details.error` matching `errorMatch`; `circuit`: the
   * refusal is the circuit breaker's (`details.reason: 'circuit_open'`).
   */
  | {
      kind: 'error';
      code: ErrorCode;
      reasons?: readonly string[];
      limit?: string;
      circuit?: boolean;
      errorMatch?: RegExp;
    }
  /**
   * The service answers: what it reports is checked by `check`, which throws (an assertion) when the service
   * found or did something it must not. Used where the isolate must contain the attempt without a crash.
   * `title` says what the check asserts, for the test's name.
   */
  | { kind: 'reply'; title: string; check: (reply: Json) => void }
  /** `check` looks at the drive's answer and at the node (events, status) for the containment. */
  | { kind: 'contained'; title: string; check: (probe: CaseProbe, answer: Answer) => Promise<void> };

/** A helper service deployed in the hostile tenant before the case (a callee or a witness). */
export interface HelperService {
  name: string;
  source: string;
}

/** One hostile service and what it must get. */
export interface EscapeCase {
  /** Names the `describe` and the service id (`[a-z0-9][a-z0-9_-]*`). */
  name: string;
  /** What the hostile code tries, in one line (for docs/ESCAPE-SUITE.md). */
  tries: string;
  /** What must stop it. */
  defence: Defence;
  source: string;
  /** Merged over {@link HOSTILE_LIMITS}. */
  limits?: ServiceLimits;
  /** Supervision fields of the deploy (e.g. `max_restarts`). */
  supervision?: Record<string, Json>;
  drive: Drive;
  outcome: Outcome;
  /** Services deployed first in the hostile tenant. */
  helpers?: readonly HelperService[];
  /** Deploy the hostile service with a token narrowed to these permissions and service patterns. */
  narrowToken?: { permissions: readonly string[]; services: readonly string[] };
  /** Checks after the outcome (a witness, the host realm, a fresh incarnation). */
  verify?: (probe: CaseProbe) => Promise<void>;
  /**
   * An open hole: with these sandboxes the node does not (yet) give the outcome. The case still runs with
   * its full expectation, reported as a TODO (not counted as passed), so the hole stays visible until fixed.
   */
  openHole?: { sandboxes: readonly ('isolate' | 'process')[]; why: string };
}
