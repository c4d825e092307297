// Durable actor mailboxes in the mailbox work-queue stream: publish a cast, consume per node, purge and count.
import { headers } from 'nats';
import type { JetStreamClient, JetStreamManager, JetStreamPublishOptions, NatsConnection } from 'nats';
import { HEADERS, SoloError, mailboxStream, mailboxSubject, parseServiceId, parseTenantId } from '@solo/protocol';
import type { Json, ServiceId, TenantId } from '@solo/protocol';
import { startMailboxConsumer } from './mailbox-consumer.ts';
import type { MailboxConsumeOptions, MailboxConsumer, MailboxDelivery } from './mailbox-consumer.ts';
import { toStoreError } from './nats-error.ts';

/** Options of {@link MailboxStream.publish}. */
export interface MailboxPublishOptions {
  /** Travels in the `Solo-Correlation-Id` header to the delivery. */
  correlationId?: string;
  /** Deduplication id: a retried publish with the same id within the stream's window is stored once. */
  msgId?: string;
  /** W3C trace context headers (`traceparent`, `tracestate`) carried to the delivery. @default none */
  traceHeaders?: Readonly<Record<string, string>>;
}

/** The mailbox stream. Open one per connection and share it. */
export class MailboxStream {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;

  private constructor(js: JetStreamClient, jsm: JetStreamManager) {
    this.#js = js;
    this.#jsm = jsm;
  }

  /** Opens the mailbox stream. @throws `unavailable` when JetStream or the stream is missing (run `ensureStreams` first). */
  static async open(nc: NatsConnection): Promise<MailboxStream> {
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.info(mailboxStream());
      return new MailboxStream(nc.jetstream(), jsm);
    } catch (err) {
      throw toStoreError(err, 'Opening the mailbox stream');
    }
  }

  /** Stores a cast in one actor's mailbox; resolves with its mailbox sequence once JetStream stored it. */
  async publish(tenant: TenantId, service: ServiceId, message: Json, opts: MailboxPublishOptions = {}): Promise<number> {
    const subject = mailboxSubject(parseTenantId(tenant), parseServiceId(service));
    let payload: string;
    try {
      payload = JSON.stringify(message);
    } catch (err) {
      throw new SoloError('invalid_request', 'The cast message is not JSON-serialisable. Pass plain objects, arrays, strings, numbers, booleans and null.', {
        cause: err,
        details: { field: 'message' },
      });
    }
    if (payload === undefined) {
      throw new SoloError('invalid_request', 'The cast message is empty. Pass a JSON value (null is allowed).', { details: { field: 'message' } });
    }
    const publishOpts: Partial<JetStreamPublishOptions> = { expect: { streamName: mailboxStream() } };
    const traceHeaders = Object.entries(opts.traceHeaders ?? {});
    if (opts.correlationId || traceHeaders.length > 0) {
      const h = headers();
      if (opts.correlationId) h.set(HEADERS.correlationId, opts.correlationId);
      for (const [k, v] of traceHeaders) h.set(k, v);
      publishOpts.headers = h;
    }
    if (opts.msgId !== undefined) publishOpts.msgID = opts.msgId;
    try {
      return (await this.#js.publish(subject, payload, publishOpts)).seq;
    } catch (err) {
      throw toStoreError(err, `Casting to ${tenant}/${service}`);
    }
  }

  /**
   * Starts this node's durable consumer over every mailbox and hands each cast to `onDelivery`, in stream
   * order (redeliveries come again later). Settle every delivery with ack, nak or term.
   * @throws `invalid_request` for an invalid node id or option.
   */
  consume(nodeId: string, onDelivery: (d: MailboxDelivery) => void, opts: MailboxConsumeOptions = {}): Promise<MailboxConsumer> {
    return startMailboxConsumer(this.#js, this.#jsm, nodeId, onDelivery, opts);
  }

  /** Drops every message stored in one mailbox; resolves with how many were removed. */
  async purge(tenant: TenantId, service: ServiceId): Promise<number> {
    const filter = mailboxSubject(parseTenantId(tenant), parseServiceId(service));
    try {
      return (await this.#jsm.streams.purge(mailboxStream(), { filter })).purged;
    } catch (err) {
      throw toStoreError(err, `Purging the mailbox of ${tenant}/${service}`);
    }
  }

  /** How many messages one mailbox holds (delivered but unacked ones included). */
  async pendingCount(tenant: TenantId, service: ServiceId): Promise<number> {
    const filter = mailboxSubject(parseTenantId(tenant), parseServiceId(service));
    try {
      const info = await this.#jsm.streams.info(mailboxStream(), { subjects_filter: filter });
      return info.state.subjects?.[filter] ?? 0;
    } catch (err) {
      throw toStoreError(err, `Counting the mailbox of ${tenant}/${service}`);
    }
  }
}
