// One request on a Solo client's connection: the envelope headers (correlation id, token, trace context),
// NATS failures translated, and the reply envelope unwrapped.
import { randomUUID } from 'node:crypto';
import { headers } from 'nats';
import type { NatsConnection } from 'nats';
import { HEADERS } from '@solo/protocol';
import type { Subject } from '@solo/protocol';
import { unwrapReply, withCorrelationId } from '../reply-envelope.ts';
import { translateRequestError } from './nats-error.ts';
import { injectTraceHeaders } from './trace-propagation.ts';

/** What one request needs besides its subject and body. */
export interface RequestOptions {
  timeoutMs: number;
  /** E.g. "Request 'list'", for messages. */
  what: string;
  extraHeaders?: Record<string, string> | undefined;
  /** Decodes the reply text. @default unwrapReply (the `{ ok, ... }` envelope) */
  decode?: ((text: string) => unknown) | undefined;
}

/** Sends requests as one principal (token) to one node. */
export class NatsRequester {
  readonly #nc: NatsConnection;
  readonly #o: { natsUrl: string; tenant: string | null; token: string | undefined };

  /** `tenant` is null for the operator API (it only shapes messages). */
  constructor(nc: NatsConnection, o: { natsUrl: string; tenant: string | null; token: string | undefined }) {
    this.#nc = nc;
    this.#o = o;
  }

  /**
   * Sends `body` as JSON and resolves with the reply body without its `ok` flag.
   * @throws the node's SoloError, or a translated NATS failure; both carry `details.correlation_id`
   */
  async request<R>(subject: Subject, body: unknown, o: RequestOptions): Promise<R> {
    const correlationId = randomUUID();
    const h = headers();
    for (const [k, v] of Object.entries(o.extraHeaders ?? {})) h.set(k, v);
    h.set(HEADERS.correlationId, correlationId);
    injectTraceHeaders(h);
    if (this.#o.token !== undefined) h.set(HEADERS.token, this.#o.token);
    let text: string;
    try {
      const msg = await this.#nc.request(subject, JSON.stringify(body), { timeout: o.timeoutMs, headers: h });
      text = msg.string();
    } catch (err) {
      const ctx = { natsUrl: this.#o.natsUrl, tenant: this.#o.tenant, what: o.what, timeoutMs: o.timeoutMs };
      throw withCorrelationId(translateRequestError(err, ctx), correlationId);
    }
    try {
      return o.decode === undefined ? unwrapReply<R>(text) : (o.decode(text) as R);
    } catch (err) {
      throw withCorrelationId(err, correlationId);
    }
  }
}
