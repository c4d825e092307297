// One node's reader of the mailbox stream: a durable pull consumer over every mailbox, handing each cast to the kernel.
// The kernel dispatches deliveries to its actors and keeps per-actor order; this module only moves messages.
import { AckPolicy, ConsumerEvents, DeliverPolicy, nanos } from 'nats';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import { HEADERS, SoloError, isValidId, mailboxConsumerName, mailboxStream, mailboxStreamSubjects, parseMailboxSubject } from '@solo/protocol';
import type { Json } from '@solo/protocol';
import { toStoreError } from './nats-error.ts';

/** One cast handed to the node. Settle it exactly once with ack, nak or term. */
export interface MailboxDelivery {
  tenant: string;
  service: string;
  /** Mailbox stream sequence: stable across redeliveries, use it to make handling idempotent. */
  seq: number;
  message: Json;
  correlationId: string | undefined;
  /** W3C trace context headers the cast was published with (`traceparent`, `tracestate`), if any. */
  traceHeaders?: Readonly<Record<string, string>>;
  /** 1 on the first delivery, then 2, 3… */
  deliveryCount: number;
  /** Done: removes the message from the mailbox. */
  ack(): void;
  /** Like ack, but resolves only once the server confirmed it. @throws `unavailable` when no confirmation came. */
  ackConfirmed(): Promise<void>;
  /** Not now: redeliver after `delayMs` (at once when omitted). */
  nak(delayMs?: number): void;
  /** Never: drop the message without redelivery. */
  term(): void;
  /** Still handling it: restarts the ack-wait timer. */
  working(): void;
}

/** Options of `MailboxStream.consume`. */
export interface MailboxConsumeOptions {
  /** Most deliveries in flight without an ack. @default 10000 */
  maxAckPending?: number;
  /** How long a delivery may stay unsettled before it is redelivered. @default 30000 */
  ackWaitMs?: number;
  /** Told about a message that is not JSON (or sits on a foreign subject); it has already been term()-ed. */
  onBadMessage?: (seq: number, subject: string) => void;
  /** Told when `onDelivery` throws (the message is nak-ed) or the consumer loses its stream or durable. */
  onError?: (err: SoloError) => void;
  /**
   * Delete the node's durable first, so messages an earlier session of this node held unacked (it was killed)
   * are redelivered at once instead of after their ack wait. Safe on the work-queue stream: unacked messages
   * stay in the stream and the new durable starts at the first of them. @default false
   */
  fresh?: boolean;
}

/** A running mailbox consumer. */
export interface MailboxConsumer {
  /** Stops delivering; the durable and its position stay, so the next `consume` resumes where this one left. */
  stop(): Promise<void>;
}

const DEFAULT_MAX_ACK_PENDING = 10_000;
const DEFAULT_ACK_WAIT_MS = 30_000;
/** Messages per pull; the client refills at half. Capped so one node does not hoard a backlog it cannot start. */
const PULL_BATCH = 1_000;

function resolveOptions(nodeId: string, opts: MailboxConsumeOptions): { durable: string; maxAckPending: number; ackWaitMs: number } {
  if (!isValidId(nodeId)) {
    throw new SoloError('invalid_request', `Invalid node id '${String(nodeId)}'. Node ids follow the id rules: 1-63 characters of a-z, 0-9, '_' and '-'.`, {
      details: { field: 'node_id' },
    });
  }
  const { maxAckPending = DEFAULT_MAX_ACK_PENDING, ackWaitMs = DEFAULT_ACK_WAIT_MS } = opts;
  if (!Number.isSafeInteger(maxAckPending) || maxAckPending < 1) {
    throw new SoloError('invalid_request', `Invalid maxAckPending ${String(maxAckPending)}: pass a whole number above 0.`, { details: { field: 'maxAckPending' } });
  }
  if (!Number.isSafeInteger(ackWaitMs) || ackWaitMs < 100) {
    throw new SoloError('invalid_request', `Invalid ackWaitMs ${String(ackWaitMs)}: pass a whole number of at least 100.`, { details: { field: 'ackWaitMs' } });
  }
  return { durable: mailboxConsumerName(nodeId), maxAckPending, ackWaitMs };
}

/** Creates (or updates) the node's durable consumer and starts delivering to `onDelivery`. */
export async function startMailboxConsumer(
  js: JetStreamClient,
  jsm: JetStreamManager,
  nodeId: string,
  onDelivery: (d: MailboxDelivery) => void,
  opts: MailboxConsumeOptions = {},
): Promise<MailboxConsumer> {
  const { durable, maxAckPending, ackWaitMs } = resolveOptions(nodeId, opts);
  let messages: ConsumerMessages;
  try {
    if (opts.fresh) {
      await jsm.consumers.delete(mailboxStream(), durable).catch((err: unknown) => {
        if ((err as { api_error?: { err_code?: unknown } }).api_error?.err_code !== 10014) throw err; // 10014: no such consumer
      });
    }
    // Adding an existing durable with new limits updates it (nats-server 2.9 treats create as create-or-update).
    await jsm.consumers.add(mailboxStream(), {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: mailboxStreamSubjects(),
      max_ack_pending: maxAckPending,
      ack_wait: nanos(ackWaitMs),
    });
    const consumer = await js.consumers.get(mailboxStream(), durable);
    messages = await consumer.consume({ max_messages: Math.min(maxAckPending, PULL_BATCH), callback: (m) => deliver(m, onDelivery, opts) });
  } catch (err) {
    if ((err as { api_error?: { err_code?: unknown } }).api_error?.err_code === 10100) {
      // The work-queue stream accepts one consumer per subject, and every node's durable filters all mailboxes.
      throw new SoloError(
        'unavailable',
        `Node '${nodeId}' cannot consume the mailboxes: another node's consumer already reads them (one mailbox consumer per cluster). Stop that node or remove its durable.`,
        { cause: err, details: { consumer: durable } },
      );
    }
    throw toStoreError(err, `Starting the mailbox consumer of node '${nodeId}'`);
  }
  let stopped = false;
  watch(messages, nodeId, opts, () => stopped).catch((err: unknown) => {
    if (!stopped) opts.onError?.(toStoreError(err, `Watching the mailbox consumer of node '${nodeId}'`));
  });
  return {
    async stop() {
      stopped = true;
      await messages.close();
    },
  };
}

/** The W3C trace context headers of a mailbox message (empty when it was published without any). */
function readTraceHeaders(m: JsMsg): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [HEADERS.traceparent, HEADERS.tracestate]) {
    const v = m.headers?.get(name);
    if (v) out[name] = v;
  }
  return out;
}

function deliver(m: JsMsg, onDelivery: (d: MailboxDelivery) => void, opts: MailboxConsumeOptions): void {
  const address = parseMailboxSubject(m.subject);
  let message: Json | undefined;
  try {
    message = JSON.parse(m.string()) as Json;
  } catch {
    message = undefined;
  }
  if (address === null || message === undefined) {
    // A poison message would be redelivered forever: terminate it and tell the node once.
    m.term();
    try {
      opts.onBadMessage?.(m.seq, m.subject);
    } catch (err) {
      opts.onError?.(new SoloError('internal', `onBadMessage threw for mailbox message ${m.seq}.`, { cause: err, details: { seq: m.seq } }));
    }
    return;
  }
  const correlationId = m.headers?.get(HEADERS.correlationId) || undefined;
  const delivery: MailboxDelivery = {
    tenant: address.tenant,
    service: address.service,
    seq: m.seq,
    message,
    correlationId,
    traceHeaders: readTraceHeaders(m),
    deliveryCount: m.info.deliveryCount,
    ack: () => m.ack(),
    ackConfirmed: async () => {
      let confirmed: boolean;
      try {
        confirmed = await m.ackAck();
      } catch (err) {
        throw toStoreError(err, `Acknowledging mailbox message ${m.seq}`);
      }
      if (!confirmed) throw new SoloError('unavailable', `The ack of mailbox message ${m.seq} was not confirmed; it will be redelivered.`, { details: { seq: m.seq } });
    },
    nak: (delayMs?: number) => m.nak(delayMs),
    term: () => m.term(),
    working: () => m.working(),
  };
  try {
    onDelivery(delivery);
  } catch (err) {
    // The handler is the node's, not the tenant's: redeliver rather than lose the cast, and report it.
    m.nak();
    opts.onError?.(new SoloError('internal', `The mailbox handler threw on message ${m.seq} for ${address.tenant}/${address.service}; it will be redelivered.`, { cause: err, details: { seq: m.seq } }));
  }
}

/** Reports losing the stream or the durable, which consume() otherwise only retries silently. */
async function watch(messages: ConsumerMessages, nodeId: string, opts: MailboxConsumeOptions, isStopped: () => boolean): Promise<void> {
  const report = (err: SoloError): void => {
    if (!isStopped()) opts.onError?.(err);
  };
  const status = await messages.status();
  messages.closed().then(
    (err) => {
      if (err) report(toStoreError(err, `The mailbox consumer of node '${nodeId}'`));
    },
    (err: unknown) => report(toStoreError(err, `The mailbox consumer of node '${nodeId}'`)),
  );
  for await (const s of status) {
    if (s.type === ConsumerEvents.ConsumerDeleted || s.type === ConsumerEvents.ConsumerNotFound || s.type === ConsumerEvents.StreamNotFound) {
      report(new SoloError('unavailable', `The mailbox consumer of node '${nodeId}' lost its ${s.type === ConsumerEvents.StreamNotFound ? 'stream' : 'durable consumer'}; casts are not delivered until the node restarts it.`, { details: { event: s.type } }));
    }
  }
}
