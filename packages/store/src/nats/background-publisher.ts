// Publishes to a JetStream stream without waiting: one shared reply subscription collects the PubAcks and counts
// every item that was not stored. A message may carry several items (the audit trail's batches of records), so
// pending and failures count items, not messages. Used where a write sits on every request's path (the audit trail).
//
// Why not `js.publish` per message: it builds a request (async stack trace, timer, mux token, headers) that costs
// ~50-70 µs of synchronous work per call on this machine; a plain publish with a reply subject costs ~5 µs, and the
// acks are matched here by token. An ack that does not arrive within `ackTimeoutMs` counts as failed.
import { createInbox, headers } from 'nats';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import type { StreamName, Subject } from '@solo/protocol';

/** Options of a {@link BackgroundPublisher}. */
export interface BackgroundPublisherOptions {
  /** A publish whose ack has not arrived after this long counts as failed. */
  ackTimeoutMs: number;
  /** Prefix of the reply subject; the connection must be allowed to subscribe to `<prefix>.>`. */
  inboxPrefix: string;
}

/** Fire-and-forget publishes to one stream, with a count of items pending and failed; the caller bounds what is pending. */
export class BackgroundPublisher {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #headers: MsgHdrs;
  readonly #o: BackgroundPublisherOptions;
  readonly #sub: Subscription;
  /** token → when it was sent (performance.now ms) and how many items it carries. Map order is send order, so the oldest is first. */
  readonly #pending = new Map<string, { sentAt: number; items: number }>();
  #pendingItems = 0;
  readonly #idle = new Set<() => void>();
  #next = 0;
  #failed = 0;
  #closed = false;

  /** Subscribes to the ack inbox. @throws the nats client's error when the connection is closed. */
  constructor(nc: NatsConnection, stream: StreamName, o: BackgroundPublisherOptions) {
    this.#nc = nc;
    this.#o = o;
    this.#inbox = createInbox(o.inboxPrefix);
    this.#headers = headers();
    // The server refuses (instead of storing elsewhere) a message that no stream, or another stream, captures.
    this.#headers.set('Nats-Expected-Stream', stream);
    this.#sub = nc.subscribe(`${this.#inbox}.*`, {
      callback: (err, m) => {
        // An error (e.g. no permission for the inbox) closes the subscription, and #abandonAll counts what is pending.
        if (err === null) this.#onAck(m);
      },
    });
    void this.#sub.closed.then(() => this.#abandonAll());
  }

  /** Items that were refused, dropped, not acknowledged in time, or could not be sent. */
  get failed(): number {
    return this.#failed;
  }

  /** Whether publishing stopped (closed, or the connection closed); every later publish counts as failed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Items waiting for their message's ack. */
  get pending(): number {
    return this.#pendingItems;
  }

  /** Counts failures that happened before publishing (e.g. a record that did not encode, or one over a bound). */
  countFailure(items = 1): void {
    this.#failed += items;
  }

  /** Sends one message carrying `items` items; never throws and never waits. */
  publish(subject: Subject, payload: string, items = 1): void {
    const now = performance.now();
    this.#expire(now);
    if (this.#closed) {
      this.#failed += items;
      return;
    }
    this.#next += 1;
    const token = this.#next.toString(36);
    try {
      this.#nc.publish(subject, payload, { reply: `${this.#inbox}.${token}`, headers: this.#headers });
    } catch {
      // The connection is closed or draining, or the payload is over max_payload.
      this.#failed += items;
      return;
    }
    this.#pending.set(token, { sentAt: now, items });
    this.#pendingItems += items;
  }

  /** Resolves once every publish so far was acknowledged or counted as failed (at most `ackTimeoutMs` later). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) {
      const oldest = (this.#pending.values().next().value as { sentAt: number }).sentAt;
      const waitMs = Math.max(0, oldest + this.#o.ackTimeoutMs - performance.now()) + 1;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.#idle.delete(done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        this.#idle.add(done);
      });
      this.#expire(performance.now());
    }
  }

  /** Waits for outstanding acks, then unsubscribes; later publishes count as failed. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (!this.#sub.isClosed()) this.#sub.unsubscribe();
  }

  #onAck(m: Msg): void {
    const token = m.subject.slice(this.#inbox.length + 1);
    const sent = this.#pending.get(token);
    // An ack that arrives after its timeout was already counted as failed.
    if (sent === undefined) return;
    this.#pending.delete(token);
    this.#pendingItems -= sent.items;
    if (!isStoredAck(m)) this.#failed += sent.items;
    if (this.#pending.size === 0) this.#wakeIdle();
  }

  #expire(now: number): void {
    for (const [token, sent] of this.#pending) {
      if (now - sent.sentAt < this.#o.ackTimeoutMs) break;
      this.#pending.delete(token);
      this.#pendingItems -= sent.items;
      this.#failed += sent.items;
    }
  }

  /** The connection closed: no ack can arrive any more. */
  #abandonAll(): void {
    this.#closed = true;
    this.#failed += this.#pendingItems;
    this.#pending.clear();
    this.#pendingItems = 0;
    this.#wakeIdle();
  }

  #wakeIdle(): void {
    for (const done of [...this.#idle]) done();
  }
}

/** A PubAck names the stream and sequence; a refusal carries an error body or a status header (503: no stream). */
function isStoredAck(m: Msg): boolean {
  if (m.headers?.hasError) return false;
  try {
    const ack = JSON.parse(m.string()) as { error?: unknown; seq?: unknown };
    return ack.error === undefined && typeof ack.seq === 'number';
  } catch {
    return false;
  }
}
