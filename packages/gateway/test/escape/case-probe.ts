// What a case's checks may do on the node while the suite runs it: call, cast, read status and events of the
// hostile tenant (with its own token, never the admin one), and wait for something to show up.
import type { Json } from '@solo/protocol';
import { waitFor } from '@solo/testkit';
import type { Answer } from './escape-case.ts';
import type { EscapeNode } from './escape-node.ts';

/** One event as the `events` verb returns it. */
export interface SeenEvent {
  seq: number;
  type: string;
  service_id?: string | null;
  data: Record<string, unknown>;
}

/** The hostile tenant's view of the node, handed to a case's checks. */
export interface CaseProbe {
  /** The hostile service's id (the case name). */
  readonly service: string;
  readonly tenant: string;
  call(service: string, message: Json, timeoutMs?: number): Promise<Answer>;
  cast(service: string, message: Json): Promise<Answer>;
  status(service: string): Promise<Answer>;
  /** Events of the hostile tenant of one type for one service, oldest first (up to 1000). */
  events(type: string, service: string): Promise<SeenEvent[]>;
  /** Waits until `cond` holds. @throws after `timeoutMs` (default 10 s). */
  until(cond: () => Promise<boolean> | boolean, timeoutMs?: number): Promise<void>;
}

/** A probe acting with `token` on `tenant`. */
export function createCaseProbe(node: EscapeNode, tenant: string, token: string, service: string): CaseProbe {
  const api = (verb: string, body: unknown): Promise<Answer> => node.api(tenant, verb, body, token);
  return {
    service,
    tenant,
    call: (s, message, timeoutMs = 5000) => api('call', { service_id: s, message, timeout_ms: timeoutMs }),
    cast: (s, message) => api('cast', { service_id: s, message }),
    status: (s) => api('status', { service_id: s }),
    async events(type, s) {
      const r = await api('events', { type, service_id: s, limit: 1000 });
      return (r['events'] as SeenEvent[] | undefined) ?? [];
    },
    async until(cond, timeoutMs = 10_000) {
      await waitFor(cond, { timeoutMs, intervalMs: 50 });
    },
  };
}
