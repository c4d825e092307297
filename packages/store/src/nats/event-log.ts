// The append-only event log in the events stream: append (the kernel's commit point), paged reads and live tails.
import { headers } from 'nats';
import type { JetStreamClient, JetStreamManager, JetStreamPublishOptions, JsMsg, NatsConnection } from 'nats';
import { HEADERS, eventsStream } from '@solo/protocol';
import type { EventInput, SoloEvent } from '@solo/protocol';
import { decodeEvent, encodeEvent } from '../event-codec.ts';
import { resolveEventReadFilter, resolveEventSelector } from '../event-read-filter.ts';
import type { EventReadFilter, EventSelector } from '../event-read-filter.ts';
import { READ_REPLY_BYTES, resolveReadWindow } from '../read-window.ts';
import { readStreamPage } from './stream-reader.ts';
import { StreamTail } from './stream-tail.ts';
import type { Tail } from './stream-tail.ts';
import { toStoreError } from './nats-error.ts';

/** A live tail of the event log. */
export type EventTail = Tail<SoloEvent>;

/** One page of a read: `truncated` when it stopped at the byte budget before `limit` with more events left. */
export interface EventPage {
  events: SoloEvent[];
  truncated: boolean;
}

/** Options of {@link EventLog.append}. */
export interface AppendEventOptions {
  /** Deduplication id: a second append with the same id within 2 minutes returns the first one's seq. */
  msgId?: string;
}

const decodeMsg = (m: JsMsg): SoloEvent => decodeEvent(m.seq, m.string());

/** The event log. Open one per connection and share it. */
export class EventLog {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;

  private constructor(js: JetStreamClient, jsm: JetStreamManager) {
    this.#js = js;
    this.#jsm = jsm;
  }

  /** Opens the log. @throws `unavailable` when JetStream or the events stream is missing (run `ensureStreams` first). */
  static async open(nc: NatsConnection): Promise<EventLog> {
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.info(eventsStream());
      return new EventLog(nc.jetstream(), jsm);
    } catch (err) {
      throw toStoreError(err, 'Opening the event log');
    }
  }

  /** Appends one event and resolves with its stream sequence once JetStream stored it. */
  async append(event: EventInput, opts: AppendEventOptions = {}): Promise<number> {
    const encoded = encodeEvent(event);
    const publishOpts: Partial<JetStreamPublishOptions> = { expect: { streamName: eventsStream() } };
    if (encoded.correlationId !== undefined) {
      const h = headers();
      h.set(HEADERS.correlationId, encoded.correlationId);
      publishOpts.headers = h;
    }
    if (opts.msgId !== undefined) publishOpts.msgID = opts.msgId;
    try {
      const ack = await this.#js.publish(encoded.subject, encoded.payload, publishOpts);
      return ack.seq;
    } catch (err) {
      throw toStoreError(err, `Appending event '${event.type}' to the event log`);
    }
  }

  /** Returns up to `limit` matching events in sequence order, within the byte budget of {@link readPage}. */
  async read(filter: EventReadFilter = {}): Promise<SoloEvent[]> {
    return (await this.readPage(filter)).events;
  }

  /**
   * Returns up to `limit` matching events in sequence order, stopping before the event that would take the page
   * over READ_REPLY_BYTES of stored events (a first event over it comes alone); an empty range returns at once.
   */
  async readPage(filter: EventReadFilter = {}): Promise<EventPage> {
    const { subject, window } = resolveEventReadFilter(filter);
    const page = await readStreamPage(
      this.#js,
      this.#jsm,
      { stream: eventsStream(), filter: subject, window, action: 'Reading the event log', maxBytes: READ_REPLY_BYTES },
      decodeMsg,
    );
    return { events: page.items, truncated: page.truncated };
  }

  /** Starts a live tail from `sinceSeq`, or of new events only. Iterate it once; call `stop()` when done. */
  tail(filter: EventSelector = {}, opts: { sinceSeq?: number } = {}): EventTail {
    const subject = resolveEventSelector(filter);
    const { sinceSeq } = resolveReadWindow({ sinceSeq: opts.sinceSeq });
    return new StreamTail(this.#js, { stream: eventsStream(), filter: subject, sinceSeq, action: 'Tailing the event log' }, decodeMsg);
  }

  /**
   * Every event from `sinceSeq` through `untilSeq` (inclusive), in order, in pages, through one ordered
   * consumer on the whole stream: recovery's replay. A consumer per page with a subject filter would make the
   * server recount pending messages from the start sequence each time, which is quadratic on a long log.
   */
  async *scan(opts: { sinceSeq: number; untilSeq: number; pageSize?: number }): AsyncGenerator<SoloEvent[]> {
    if (opts.untilSeq < opts.sinceSeq) return;
    const pageSize = opts.pageSize ?? 1000;
    let consumer;
    try {
      consumer = await this.#js.consumers.get(eventsStream(), { opt_start_seq: Math.max(1, opts.sinceSeq) });
    } catch (err) {
      throw toStoreError(err, 'Replaying the event log');
    }
    let last = opts.sinceSeq - 1;
    let beyond = false;
    while (last < opts.untilSeq && !beyond) {
      const page: SoloEvent[] = [];
      let messages;
      try {
        // Ask for no more than the range holds: a fetch short of its count waits out its expiry.
        messages = await consumer.fetch({ max_messages: Math.min(pageSize, opts.untilSeq - last), expires: 2000 });
      } catch (err) {
        throw toStoreError(err, 'Replaying the event log');
      }
      for await (const m of messages) {
        if (m.seq > opts.untilSeq) {
          beyond = true;
          continue;
        }
        page.push(decodeMsg(m));
        last = m.seq;
      }
      // Nothing more arrived within the fetch window: the range ends early (messages removed by limits).
      if (page.length === 0) return;
      yield page;
    }
  }

  /** The sequence of the newest event, 0 when the log is empty. */
  async lastSeq(): Promise<number> {
    try {
      return (await this.#jsm.streams.info(eventsStream())).state.last_seq;
    } catch (err) {
      throw toStoreError(err, 'Reading the event log position');
    }
  }
}
