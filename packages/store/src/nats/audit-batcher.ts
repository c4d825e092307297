// Gathers audit records into one stream message per tenant subject, so a burst of requests costs the server one
// stored message and one ack per tenant per flush instead of one per request. AuditStream appends through it.
//
// A subject's batch is published when it reaches `maxRecords` or `maxBytes`, or when the one shared timer fires
// `delayMs` after the first record buffered since the last flush. Records of one subject are published in append
// order on one connection, so the stream keeps each tenant's records in order.
import type { Subject } from '@solo/protocol';
import { AUDIT_BATCH_OVERHEAD_BYTES, encodeAuditBatch } from '../audit-codec.ts';
import type { BackgroundPublisher } from './background-publisher.ts';

/** Bounds of an {@link AuditBatcher}, already validated. */
export interface AuditBatcherOptions {
  /** Records buffered or awaiting their ack beyond this are dropped (and counted as failed). */
  maxPending: number;
  /** A batch is published once it holds this many records. */
  maxRecords: number;
  /** A batch is published before a record would take its payload past this many bytes (a larger record goes alone). */
  maxBytes: number;
  /** A buffered record is published at most this many ms after it was appended. */
  delayMs: number;
}

interface Batch {
  subject: Subject;
  payloads: string[];
  /** UTF-8 bytes of the batch message if published now. */
  bytes: number;
}

/** Per-subject buffers in front of a {@link BackgroundPublisher}; counts records, not messages. */
export class AuditBatcher {
  readonly #publisher: BackgroundPublisher;
  readonly #o: AuditBatcherOptions;
  readonly #batches = new Map<Subject, Batch>();
  #buffered = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(publisher: BackgroundPublisher, o: AuditBatcherOptions) {
    this.#publisher = publisher;
    this.#o = o;
  }

  /** Records appended but not yet stored or counted as failed: buffered here, or awaiting their ack. */
  get pending(): number {
    return this.#buffered + this.#publisher.pending;
  }

  /** Records that did not encode, were dropped, or were not stored. */
  get failed(): number {
    return this.#publisher.failed;
  }

  /** Counts a record that failed before it reached the batcher (it did not encode). */
  countFailure(): void {
    this.#publisher.countFailure();
  }

  /** Buffers one encoded record for `subject`; never throws and never waits. */
  add(subject: Subject, payload: string): void {
    if (this.#closed || this.#publisher.closed || this.pending >= this.#o.maxPending) {
      this.#publisher.countFailure();
      return;
    }
    // +1 for the comma that joins it to the previous record; the envelope is counted once per batch.
    const bytes = Buffer.byteLength(payload) + 1;
    let batch = this.#batches.get(subject);
    if (batch !== undefined && batch.bytes + bytes > this.#o.maxBytes) {
      this.#publish(batch);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = { subject, payloads: [], bytes: AUDIT_BATCH_OVERHEAD_BYTES - 1 };
      this.#batches.set(subject, batch);
    }
    batch.payloads.push(payload);
    batch.bytes += bytes;
    this.#buffered += 1;
    if (batch.payloads.length >= this.#o.maxRecords || batch.bytes >= this.#o.maxBytes) this.#publish(batch);
    else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#publishAll();
      }, this.#o.delayMs);
      // A buffered record must not keep the process alive; a clean stop calls flush() first.
      this.#timer.unref();
    }
  }

  /** Publishes every buffered record, then resolves once each was stored or counted as failed. */
  async flush(): Promise<void> {
    this.#publishAll();
    await this.#publisher.flush();
  }

  /** Flushes, then stops: later records count as failed. Idempotent. */
  async close(): Promise<void> {
    this.#publishAll();
    this.#closed = true;
    await this.#publisher.close();
  }

  #publishAll(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    for (const batch of this.#batches.values()) this.#publish(batch);
  }

  #publish(batch: Batch): void {
    // Deleted before publishing: the next record of this subject starts a new batch, behind this one.
    this.#batches.delete(batch.subject);
    this.#buffered -= batch.payloads.length;
    this.#publisher.publish(batch.subject, encodeAuditBatch(batch.payloads), batch.payloads.length);
  }
}
