// Test helper: a tiny Solo peer on a real nats-server that answers one tenant's API verbs with canned replies,
// so CLI tests can check what the CLI sends and how it prints replies. It is a peer on a real broker, not a mock.
import { connect } from 'nats';
import type { MsgHdrs, NatsConnection, Subscription } from 'nats';
import {
  parseServiceSubject,
  parseTenantApiSubject,
  parseTenantId,
  serviceWildcard,
  tenantApiSubject,
} from '@solo/protocol';
import type { WireReply } from '@solo/protocol';

/** One request the peer received. */
export interface SeenRequest {
  verb: string;
  body: unknown;
  headers: MsgHdrs | undefined;
}

/** Answers one request; `body` is parsed JSON. Service calls arrive with verb `svc:<service>`. */
export type Answer = (verb: string, body: unknown, peer: NatsConnection) => WireReply<object>;

/** A running fake node. */
export interface FakeNode {
  readonly seen: SeenRequest[];
  /** Replaces the answer function. */
  answer(fn: Answer): void;
  close(): Promise<void>;
}

/** Answers tenant API verbs and service calls of `tenant` on the NATS at `url`. */
export async function startFakeNode(url: string, tenant: string, answer: Answer): Promise<FakeNode> {
  const nc = await connect({ servers: url });
  const seen: SeenRequest[] = [];
  let fn = answer;
  const handle = (verb: string, data: Uint8Array, hdrs: MsgHdrs | undefined, respond: (s: string) => void): void => {
    const body: unknown = data.length === 0 ? undefined : JSON.parse(new TextDecoder().decode(data));
    seen.push({ verb, body, headers: hdrs });
    respond(JSON.stringify(fn(verb, body, nc)));
  };
  const subs: Subscription[] = [
    nc.subscribe(tenantApiSubject(parseTenantId(tenant), '*'), {
      callback: (_e, m) =>
        handle(parseTenantApiSubject(m.subject)?.verb ?? '?', m.data, m.headers, (s) => m.respond(s)),
    }),
    nc.subscribe(serviceWildcard(), {
      callback: (_e, m) => {
        const p = parseServiceSubject(m.subject);
        if (p?.tenant === tenant) handle(`svc:${p.service}`, m.data, m.headers, (s) => m.respond(s));
      },
    }),
  ];
  await nc.flush();
  return {
    seen,
    answer: (next) => {
      fn = next;
    },
    close: async () => {
      for (const s of subs) s.unsubscribe();
      await nc.close();
    },
  };
}
