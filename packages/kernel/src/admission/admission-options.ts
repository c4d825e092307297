// Options of the node's admission control (load shedding), validated once into a resolved form.
import { totalmem } from 'node:os';
import { SoloError } from '@solo/protocol';

/** Options of the kernel's admission control (`KernelOptions.admission`). */
export interface AdmissionOptions {
  /** Calls and casts admitted on the node and not finished at which it starts shedding. @default 4096 */
  maxInFlight?: number;
  /** Mean event-loop delay, in ms, above which the node sheds (and below half of which it stops). @default 100 */
  maxEventLoopLagMs?: number;
  /** Resident memory of the process, in bytes, above which the node sheds; 0 turns the check off. @default 80% of the machine's memory */
  maxRssBytes?: number;
  /** How often lag and memory are read, in ms. @default 100 */
  sampleIntervalMs?: number;
  /**
   * Handler time one event-loop turn may take before tenants at or over their share of it are refused until the
   * next turn, in ms; 0 turns the check off. @default 50
   */
  turnBudgetMs?: number;
  /**
   * Internal, for the admission benchmark only: false skips every per-request check and count (message sizes,
   * mailbox length, circuit breaker, load shedding). Never turn it off on a node that runs tenants' code. @default true
   */
  accounting?: boolean;
}

/** {@link AdmissionOptions} with defaults applied. */
export type ResolvedAdmissionOptions = Required<AdmissionOptions>;

function check(name: keyof AdmissionOptions, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new SoloError('invalid_request', `admission.${name} must be an integer from ${min} to ${max}; got ${String(v)}.`, { details: { field: `admission.${name}` } });
  }
  return v;
}

/** @throws `invalid_request` when a value is not an integer within its bounds. */
export function resolveAdmissionOptions(o: AdmissionOptions = {}): ResolvedAdmissionOptions {
  return {
    maxInFlight: check('maxInFlight', o.maxInFlight ?? 4096, 1, 10_000_000),
    maxEventLoopLagMs: check('maxEventLoopLagMs', o.maxEventLoopLagMs ?? 100, 1, 60_000),
    maxRssBytes: check('maxRssBytes', o.maxRssBytes ?? Math.floor(totalmem() * 0.8), 0, Number.MAX_SAFE_INTEGER),
    sampleIntervalMs: check('sampleIntervalMs', o.sampleIntervalMs ?? 100, 10, 10_000),
    turnBudgetMs: check('turnBudgetMs', o.turnBudgetMs ?? 50, 0, 60_000),
    accounting: o.accounting !== false,
  };
}
