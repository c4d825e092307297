// Reads a bounded page of one stream through a short-lived ephemeral consumer; shared by events, logs and dead letters.
// The consumer's num_pending says up front how much there is, so an empty range returns without waiting on a fetch.
import { AckPolicy, DeliverPolicy, nanos } from 'nats';
import type { ConsumerConfig, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { StreamName, Subject } from '@solo/protocol';
import type { ResolvedReadWindow } from '../read-window.ts';
import { toStoreError } from './nats-error.ts';

/** What to read: a stream, a subject filter over it and a validated window. */
export interface StreamReadSpec {
  stream: StreamName;
  filter: Subject;
  window: ResolvedReadWindow;
  /** Used in error messages, e.g. "Reading the event log". */
  action: string;
}

/** The server removes a read consumer this long after its last use, should our delete not reach it. */
const READ_CONSUMER_IDLE_MS = 30_000;
/** A fetch for messages num_pending promised normally ends at once; this bounds it if they vanished meanwhile. */
const FETCH_EXPIRES_MS = 2_000;

/** Returns up to `window.limit` decoded messages in stream order. */
export async function readStream<T>(js: JetStreamClient, jsm: JetStreamManager, spec: StreamReadSpec, decode: (m: JsMsg) => T): Promise<T[]> {
  const { sinceSeq, sinceTime, limit } = spec.window;
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.None,
    filter_subject: spec.filter,
    inactive_threshold: nanos(READ_CONSUMER_IDLE_MS),
    mem_storage: true,
    num_replicas: 1,
    deliver_policy: DeliverPolicy.All,
  };
  if (sinceSeq !== undefined) {
    config.deliver_policy = DeliverPolicy.StartSequence;
    config.opt_start_seq = Math.max(1, sinceSeq);
  } else if (sinceTime !== undefined) {
    config.deliver_policy = DeliverPolicy.StartTime;
    config.opt_start_time = sinceTime.toISOString();
  }
  // With both bounds the consumer starts at the sequence and older messages are dropped here.
  const minTimeMs = sinceSeq !== undefined && sinceTime !== undefined ? sinceTime.getTime() : undefined;

  let name: string;
  let pending: number;
  try {
    const info = await jsm.consumers.add(spec.stream, config);
    name = info.name;
    pending = info.num_pending;
  } catch (err) {
    throw toStoreError(err, spec.action);
  }
  const out: T[] = [];
  try {
    if (pending === 0) return out;
    const consumer = await js.consumers.get(spec.stream, name);
    while (out.length < limit && pending > 0) {
      const messages = await consumer.fetch({ max_messages: Math.min(limit - out.length, pending), expires: FETCH_EXPIRES_MS });
      let received = 0;
      for await (const m of messages) {
        received += 1;
        pending = m.info.pending;
        if (minTimeMs !== undefined && m.info.timestampNanos / 1e6 < minTimeMs) continue;
        out.push(decode(m));
      }
      // Messages counted as pending were removed (age or size limits) before we fetched them.
      if (received === 0) break;
    }
    return out;
  } catch (err) {
    throw toStoreError(err, spec.action);
  } finally {
    await deleteQuietly(jsm, spec.stream, name);
  }
}

async function deleteQuietly(jsm: JetStreamManager, stream: string, name: string): Promise<void> {
  try {
    await jsm.consumers.delete(stream, name);
  } catch (err) {
    // The read already has its answer, and the server drops the consumer after READ_CONSUMER_IDLE_MS anyway:
    // failing the read here would turn a harmless leak of seconds into an error for the caller.
    void err;
  }
}
