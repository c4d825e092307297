// Reads one page of the audit trail record by record, for AuditStream.read. A stored message holds a batch of
// records (or one, if an earlier version wrote it), so the limit, `truncated` and the cursor count records, and a
// page may end inside a batch: the cursor names the message and the record in it, and the next page resumes there.
import { DeliverPolicy } from 'nats';
import type { JetStreamClient, JetStreamManager } from 'nats';
import type { AuditRecord, Subject } from '@solo/protocol';
import { auditStream } from '@solo/protocol';
import { decodeAuditMessage } from '../audit-codec.ts';
import { toStoreError } from './nats-error.ts';
import { pageConsumerConfig } from './stream-reader.ts';

/** Where a record sits: the stream sequence of its message and its index in that message's batch. */
export interface AuditPosition {
  seq: number;
  index: number;
}

/** What one page reads: a subject filter, its start (time and/or cursor) and a number of records. */
export interface AuditPageSpec {
  filter: Subject;
  /** Only records whose message the stream stored at or after this time. */
  since: Date | undefined;
  /** Only records after this one, in stream order. */
  after: AuditPosition | undefined;
  limit: number;
}

/** Up to `limit` records in stream order, whether more matched, and where the last one returned sits. */
export interface AuditPage {
  records: AuditRecord[];
  truncated: boolean;
  last: AuditPosition | undefined;
}

/** A fetch for messages num_pending promised normally ends at once; this bounds it if they vanished meanwhile. */
const FETCH_EXPIRES_MS = 2_000;
/**
 * Messages one fetch asks for at most. The record count alone would not bound a fetch: a page of 10001 records could
 * otherwise ask for 10001 messages that each hold a full batch. 256 batches of 64 KiB are 16 MiB at worst.
 */
const MAX_FETCH_MESSAGES = 256;
/** The first fetch asks for few messages, until their records per message are known. */
const FIRST_FETCH_MESSAGES = 8;

const ACTION = 'Reading the audit trail';

/** Reads one page through a short-lived ephemeral consumer. @throws `unavailable` when NATS is down; `internal` for a corrupt message. */
export async function readAuditPage(js: JetStreamClient, jsm: JetStreamManager, spec: AuditPageSpec): Promise<AuditPage> {
  const config = pageConsumerConfig(spec.filter);
  if (spec.after !== undefined) {
    config.deliver_policy = DeliverPolicy.StartSequence;
    config.opt_start_seq = spec.after.seq;
  } else if (spec.since !== undefined) {
    config.deliver_policy = DeliverPolicy.StartTime;
    config.opt_start_time = spec.since.toISOString();
  }
  // With both bounds the consumer starts at the cursor and older messages are dropped here.
  const minTimeMs = spec.after !== undefined && spec.since !== undefined ? spec.since.getTime() : undefined;
  // One record past the limit tells whether more matched, without a second round trip.
  const want = spec.limit + 1;

  let name: string;
  let pending: number;
  try {
    const info = await jsm.consumers.add(auditStream(), config);
    name = info.name;
    pending = info.num_pending;
  } catch (err) {
    throw toStoreError(err, ACTION);
  }
  const records: AuditRecord[] = [];
  // Position of each record in `records`, to name the last one returned.
  const seqs: number[] = [];
  const indexes: number[] = [];
  try {
    if (pending > 0) {
      const consumer = await js.consumers.get(auditStream(), name);
      // Records per message decoded so far, to ask for about as many messages as the records still wanted need.
      let decodedMessages = 0;
      let decodedRecords = 0;
      fetching: while (records.length < want && pending > 0) {
        const missing = want - records.length;
        const guess = decodedMessages === 0 ? FIRST_FETCH_MESSAGES : Math.ceil((missing * decodedMessages) / decodedRecords);
        // Every message holds at least one record, so `missing` messages are always enough.
        const messages = await consumer.fetch({ max_messages: Math.min(guess, missing, pending, MAX_FETCH_MESSAGES), expires: FETCH_EXPIRES_MS });
        let received = 0;
        for await (const m of messages) {
          received += 1;
          pending = m.info.pending;
          if (minTimeMs !== undefined && m.info.timestampNanos / 1e6 < minTimeMs) continue;
          const batch = decodeAuditMessage(m.seq, m.string());
          decodedMessages += 1;
          decodedRecords += batch.length;
          const first = spec.after !== undefined && m.seq === spec.after.seq ? spec.after.index + 1 : 0;
          for (let i = first; i < batch.length; i++) {
            records.push(batch[i] as AuditRecord);
            seqs.push(m.seq);
            indexes.push(i);
          }
          if (records.length >= want) break fetching;
        }
        // Messages counted as pending were removed (age or size limits) before we fetched them.
        if (received === 0) break;
      }
    }
  } catch (err) {
    throw toStoreError(err, ACTION);
  } finally {
    await deleteQuietly(jsm, name);
  }
  const truncated = records.length > spec.limit;
  if (truncated) records.length = spec.limit;
  const n = records.length;
  return { records, truncated, last: n === 0 ? undefined : { seq: seqs[n - 1] as number, index: indexes[n - 1] as number } };
}

async function deleteQuietly(jsm: JetStreamManager, name: string): Promise<void> {
  try {
    await jsm.consumers.delete(auditStream(), name);
  } catch (err) {
    // The read already has its answer, and the server drops the consumer after its idle threshold anyway:
    // failing the read here would turn a harmless leak of seconds into an error for the caller.
    void err;
  }
}
