// A live tail of one stream through an ordered consumer; shared by the event log and the log stream.
// Stopping ends the iteration and deletes the consumer, so a tail never leaves server state behind.
import { DeliverPolicy } from 'nats';
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg, OrderedConsumerOptions } from 'nats';
import { SoloError } from '@solo/protocol';
import type { StreamName, Subject } from '@solo/protocol';
import { toStoreError } from './nats-error.ts';

/** A live tail: iterate it once with `for await`; `stop()` ends the iteration and frees the server consumer. */
export interface Tail<T> extends AsyncIterable<T> {
  /** Resolves once the server consumer exists: everything stored from then on is delivered. Rejects when it cannot start. */
  ready(): Promise<void>;
  /** Ends the iteration and deletes the consumer. Idempotent. */
  stop(): Promise<void>;
}

/** What to tail. */
export interface StreamTailSpec {
  stream: StreamName;
  filter: Subject;
  /** First sequence to deliver; omitted means only messages stored after the tail starts. */
  sinceSeq: number | undefined;
  /** Used in error messages, e.g. "Tailing the event log". */
  action: string;
}

/** How many messages the client buffers per pull. */
const TAIL_BATCH = 256;

/** {@link Tail} over an ordered consumer. */
export class StreamTail<T> implements Tail<T> {
  readonly #js: JetStreamClient;
  readonly #spec: StreamTailSpec;
  readonly #decode: (m: JsMsg) => T;
  readonly #started: Promise<void>;
  #consumer: Consumer | undefined;
  #messages: ConsumerMessages | undefined;
  #failure: SoloError | undefined;
  #stopping: Promise<void> | undefined;
  #iterated = false;

  constructor(js: JetStreamClient, spec: StreamTailSpec, decode: (m: JsMsg) => T) {
    this.#js = js;
    this.#spec = spec;
    this.#decode = decode;
    this.#started = this.#start();
  }

  async #start(): Promise<void> {
    try {
      const opts: Partial<OrderedConsumerOptions> = { filterSubjects: this.#spec.filter };
      if (this.#spec.sinceSeq !== undefined) {
        opts.deliver_policy = DeliverPolicy.StartSequence;
        opts.opt_start_seq = Math.max(1, this.#spec.sinceSeq);
      } else {
        opts.deliver_policy = DeliverPolicy.New;
      }
      const consumer = await this.#js.consumers.get(this.#spec.stream, opts);
      // An ordered consumer creates its server consumer inside consume(): nothing to delete before that.
      if (this.#stopping !== undefined) return;
      this.#consumer = consumer;
      this.#messages = await consumer.consume({ max_messages: TAIL_BATCH });
    } catch (err) {
      // Kept and rethrown by ready() and the iterator, so a tail nobody awaits cannot raise an unhandled rejection.
      this.#failure = toStoreError(err, this.#spec.action);
    }
  }

  async ready(): Promise<void> {
    await this.#started;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) {
      throw new SoloError('internal', `${this.#spec.action}: a tail can be iterated only once. Start another tail for a second reader.`);
    }
    this.#iterated = true;
    try {
      await this.ready();
      const messages = this.#messages;
      if (messages === undefined || this.#stopping !== undefined) return;
      try {
        for await (const m of messages) yield this.#decode(m);
      } catch (err) {
        throw toStoreError(err, this.#spec.action);
      }
    } finally {
      await this.stop();
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#cleanUp();
    return this.#stopping;
  }

  async #cleanUp(): Promise<void> {
    await this.#started;
    const messages = this.#messages;
    const consumer = this.#consumer;
    if (messages === undefined || consumer === undefined) return;
    messages.stop();
    try {
      await consumer.delete();
    } catch (err) {
      // Already gone (deleted, or the server restarted): that is the state stop() wants.
      if ((err as { api_error?: { err_code?: unknown } }).api_error?.err_code !== 10014) throw toStoreError(err, `${this.#spec.action} (stopping)`);
    }
  }
}
