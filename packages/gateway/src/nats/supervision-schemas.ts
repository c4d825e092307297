// Wire validation of the supervision settings: a deploy's per-service overrides and the `supervision` and
// `tree` verbs. Types and shapes only; value ranges are checked by the kernel (resolveTenantPolicy & co).
import { z } from 'zod';
import { ESCALATION_POLICIES, RESTART_STRATEGIES, type ServiceSupervisionOptions, type SupervisionRequest } from '@solo/protocol';

const backoff = z.strictObject({
  initial_ms: z.number().optional(),
  multiplier: z.number().optional(),
  max_ms: z.number().optional(),
  jitter: z.number().optional(),
});

/** The supervision fields a deploy body may carry. */
export const supervisionFields = {
  max_restarts: z.number().int().optional(),
  max_seconds: z.number().optional(),
  backoff: backoff.optional(),
  max_cast_attempts: z.number().int().optional(),
};

/** The body of the `supervision` verb: empty reads, any field changes. */
export const supervisionRequest = z.strictObject({
  strategy: z.enum(RESTART_STRATEGIES).optional(),
  max_restarts: z.number().int().optional(),
  max_seconds: z.number().optional(),
  escalation: z.enum(ESCALATION_POLICIES).optional(),
  backoff: backoff.optional(),
});

/** The body of the `tree` verb. */
export const treeRequest = z.strictObject({});

/** The supervision options of a parsed deploy body, only those set; undefined when none is. */
export function supervisionOptions(r: ServiceSupervisionOptions): ServiceSupervisionOptions | undefined {
  const out: ServiceSupervisionOptions = {};
  if (r.max_restarts !== undefined) out.max_restarts = r.max_restarts;
  if (r.max_seconds !== undefined) out.max_seconds = r.max_seconds;
  if (r.backoff !== undefined) out.backoff = r.backoff;
  if (r.max_cast_attempts !== undefined) out.max_cast_attempts = r.max_cast_attempts;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A parsed `supervision` body without the keys that were not given. */
export function supervisionChange(r: z.infer<typeof supervisionRequest>): SupervisionRequest {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as SupervisionRequest;
}
