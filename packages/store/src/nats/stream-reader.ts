// Reads a bounded page of one stream through a short-lived ephemeral consumer; shared by events, logs and dead
// letters. A page is bounded by a count and, for replies that must fit a NATS message, by bytes.
// The consumer's num_pending says up front how much there is, so an empty range returns without waiting on a fetch.
import { AckPolicy, DeliverPolicy, nanos } from 'nats';
import type { Consumer, ConsumerConfig, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
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
  /**
   * Stored bytes one read returns at most (see {@link readStreamPage}); a reply made of them must fit in a NATS
   * message. @default no budget (only `window.limit` bounds the read)
   */
  maxBytes?: number;
}

/** One page of a read: the items, and whether it stopped at the byte budget with more items left. */
export interface StreamPage<T> {
  items: T[];
  truncated: boolean;
}

/** The server removes a read consumer this long after its last use, should our delete not reach it. */
const READ_CONSUMER_IDLE_MS = 30_000;
/** A fetch for messages num_pending promised normally ends at once; this bounds it if they vanished meanwhile. */
const FETCH_EXPIRES_MS = 2_000;
/** What one item adds to a reply beyond its stored payload (its `seq` field and separators), counted in the budget. */
const ITEM_OVERHEAD_BYTES = 32;
/**
 * Messages nats.js asks for in a fetch given `max_bytes` (it takes no `max_messages` with it). The server sends no
 * notice when it has sent that many, so the fetch would wait out its expiry: the reader stops it itself.
 */
const BYTES_FETCH_BATCH = 100;

/** Returns up to `window.limit` decoded messages in stream order. */
export async function readStream<T>(js: JetStreamClient, jsm: JetStreamManager, spec: StreamReadSpec, decode: (m: JsMsg) => T): Promise<T[]> {
  return (await readStreamPage(js, jsm, spec, decode)).items;
}

/** The short-lived ephemeral consumer one page is read through, from the start of `filter` (callers move the start). */
export function pageConsumerConfig(filter: string): Partial<ConsumerConfig> {
  return {
    ack_policy: AckPolicy.None,
    filter_subject: filter,
    inactive_threshold: nanos(READ_CONSUMER_IDLE_MS),
    mem_storage: true,
    num_replicas: 1,
    deliver_policy: DeliverPolicy.All,
  };
}

/**
 * Returns up to `window.limit` decoded messages in stream order, stopping before the one that would take the
 * page over `spec.maxBytes` (payload bytes plus a small per-item overhead); a first message over the whole budget
 * comes alone, so a reader always moves on. With a budget, each fetch asks the server for at most the bytes left
 * (its pull `max_bytes`), so a page of huge messages costs about the budget, not `limit` messages.
 */
export async function readStreamPage<T>(js: JetStreamClient, jsm: JetStreamManager, spec: StreamReadSpec, decode: (m: JsMsg) => T): Promise<StreamPage<T>> {
  const { sinceSeq, sinceTime, limit } = spec.window;
  const maxBytes = spec.maxBytes;
  const config = pageConsumerConfig(spec.filter);
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
  let bytes = 0;
  let truncated = false;
  try {
    if (pending === 0) return { items: out, truncated };
    const consumer = await js.consumers.get(spec.stream, name);
    while (out.length < limit && pending > 0 && !truncated) {
      const want = Math.min(limit - out.length, pending);
      const left = maxBytes === undefined ? 0 : maxBytes - bytes;
      // The server ends a byte-bounded pull at the first message that does not fit, so it sends little that is
      // not kept. A first message over the whole budget is fetched alone, by count, below.
      const messages = await consumer.fetch(maxBytes === undefined ? { max_messages: want, expires: FETCH_EXPIRES_MS } : { max_bytes: Math.max(1, left), expires: FETCH_EXPIRES_MS });
      let received = 0;
      for await (const m of messages) {
        received += 1;
        pending = m.info.pending;
        const size = m.data.length + ITEM_OVERHEAD_BYTES;
        const keep = minTimeMs === undefined || m.info.timestampNanos / 1e6 >= minTimeMs;
        if (keep && maxBytes !== undefined && out.length > 0 && bytes + size > maxBytes) {
          truncated = true;
          messages.stop();
          break;
        }
        if (keep) {
          out.push(decode(m));
          bytes += size;
        }
        // Stop a fetch once the page has what it needs, the range is drained or a byte-bounded pull got its whole
        // batch, rather than wait for its expiry.
        if (out.length >= limit || pending === 0 || (maxBytes !== undefined && received === BYTES_FETCH_BATCH)) {
          messages.stop();
          break;
        }
      }
      if (received > 0) continue;
      // Nothing came. Without a budget: messages counted as pending were removed (age or size limits) before we
      // fetched them. With one, the next message is larger than what is left: the page ends here, or, when it is
      // still empty, that message comes alone.
      if (maxBytes === undefined) break;
      if (out.length > 0) {
        truncated = true;
        break;
      }
      const single = await fetchOne(consumer);
      if (single === null) break;
      pending = single.info.pending;
      if (minTimeMs === undefined || single.info.timestampNanos / 1e6 >= minTimeMs) {
        out.push(decode(single));
        bytes += single.data.length + ITEM_OVERHEAD_BYTES;
        truncated = pending > 0 && out.length < limit;
      }
    }
    return { items: out, truncated };
  } catch (err) {
    throw toStoreError(err, spec.action);
  } finally {
    await deleteQuietly(jsm, spec.stream, name);
  }
}

/** The next message of `consumer` by count (whatever its size), or null when none comes. */
async function fetchOne(consumer: Consumer): Promise<JsMsg | null> {
  const messages = await consumer.fetch({ max_messages: 1, expires: FETCH_EXPIRES_MS });
  for await (const m of messages) {
    messages.stop();
    return m;
  }
  return null;
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
