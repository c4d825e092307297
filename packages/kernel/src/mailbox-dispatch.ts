// Mailbox dispatch: consumes this node's durable mailbox stream and hands each cast to its service's actor,
// acking once handled (after the snapshot, for durable services), keeping queued casts alive with
// in-progress acks, and dead-lettering casts that exhausted their attempts.
import { isSoloError, toWireError, type EventInput } from '@solo/protocol';
import type { DeadLetters, MailboxConsumer, MailboxDelivery, MailboxStream } from '@solo/store';
import type { DurableSupport } from './durable/durable-support.ts';
import type { KernelLogger, RequestMeta } from './kernel-types.ts';
import type { ServiceEntry } from './service-entry.ts';
import type { AdmissionControl } from './admission/admission-control.ts';
import { observeActorCast } from './tracing/actor-tracing.ts';

/** JetStream redelivers a cast not acked within this; queued casts are kept alive with in-progress acks. */
const MAILBOX_ACK_WAIT_MS = 30_000;

/** What a {@link MailboxDispatch} reads from, delivers to and reports into. */
export interface MailboxDispatchDeps {
  nodeId: string;
  mailbox: MailboxStream;
  deadLetters: DeadLetters;
  durable: DurableSupport;
  log: KernelLogger;
  /** The service entry under a `tenant/service` key, if deployed. */
  lookup: (key: string) => ServiceEntry | undefined;
  appendQuietly: (ev: Omit<EventInput, 'at'>, meta: RequestMeta) => Promise<void>;
  /** Told when a cast reaches its actor (no longer in transit) and when its handler completed. @default none */
  admission?: Pick<AdmissionControl, 'castDelivered' | 'castHandled'>;
}

/** The consumer side of this node's mailboxes. */
export class MailboxDispatch {
  readonly #d: MailboxDispatchDeps;
  #consumer: MailboxConsumer | null = null;
  /** Casts delivered to this node and not yet acked, by stream sequence. */
  readonly #inflight = new Map<number, MailboxDelivery>();
  #workingTimer: NodeJS.Timeout | null = null;

  constructor(deps: MailboxDispatchDeps) {
    this.#d = deps;
  }

  /** Starts consuming this node's mailboxes. */
  async start(): Promise<void> {
    this.#consumer = await this.#d.mailbox.consume(this.#d.nodeId, (d) => this.#onDelivery(d), {
      // A new session: whatever an earlier session of this node held unacked is redelivered now, not after ack wait.
      fresh: true,
      ackWaitMs: MAILBOX_ACK_WAIT_MS,
      onBadMessage: (seq: number, subject: string) => this.#d.log.warn('dropped a mailbox message that is not JSON', { seq, subject }),
      onError: (err) => this.#d.log.error('mailbox consumer error', { error: err.message }),
    });
    // A cast may wait in its actor's queue longer than the ack wait: tell JetStream it is in progress, so it is
    // not redelivered (and queued twice) while it waits.
    this.#workingTimer = setInterval(() => {
      for (const d of this.#inflight.values()) d.working();
    }, MAILBOX_ACK_WAIT_MS / 3);
    this.#workingTimer.unref();
  }

  /** Stops the consumer; unacked casts stay in the stream. */
  async stop(): Promise<void> {
    await this.#consumer?.stop();
    if (this.#workingTimer) clearInterval(this.#workingTimer);
  }

  #onDelivery(d: MailboxDelivery): void {
    if (this.#inflight.has(d.seq)) return; // redelivered while the first delivery still waits in its queue
    const e = this.#d.lookup(`${d.tenant}/${d.service}`);
    if (!e) {
      // The service was killed (its mailbox purged) or never existed on this node: nothing can handle it.
      this.#d.log.warn('dropped a cast for an unknown service', { tenant: d.tenant, service: d.service, seq: d.seq });
      d.term();
      void this.#d.appendQuietly({ type: 'inconsistency_fixed', tenant: d.tenant, service_id: null, data: { kind: 'orphan_cast', service: d.service, mailbox_seq: d.seq } }, {});
      return;
    }
    this.#d.admission?.castDelivered(e);
    if (e.record.durable && d.seq <= e.appliedSeq) {
      // Redelivered after a crash between the snapshot and the ack: its effect is already in the state.
      d.ack();
      return;
    }
    this.#inflight.set(d.seq, d);
    this.#handle(e, d, () => e.actor.cast(d.message, { tag: d.seq }));
  }

  /** Hands a delivery to the actor (`deliver`), then acks it: at once, or for a durable service once its state is saved. */
  #handle(e: ServiceEntry, d: MailboxDelivery, deliver: () => Promise<void>): void {
    const ack = (): void => {
      this.#inflight.delete(d.seq);
      d.ack();
    };
    observeActorCast(d, deliver).then(
      () => {
        this.#d.admission?.castHandled(e);
        if (!e.record.durable) return ack();
        const handledBy = e.actor.incarnation;
        e.appliedSeq = Math.max(e.appliedSeq, d.seq);
        // Until its state is saved, the cast can be handed to the next incarnation again if this one goes first
        // (the kernel does so when it starts that incarnation from the last snapshot).
        let redone = false;
        const unsaved = (e.unsaved ??= new Map());
        unsaved.set(d.seq, () => {
          redone = true;
          unsaved.delete(d.seq);
          this.#handle(e, d, () => e.actor.redo(d.message, { tag: d.seq }));
        });
        // The snapshot (state + last applied sequence, one LMDB transaction) is durable before the ack; it must
        // hold the state of the incarnation that handled the cast (not of one restarted from an older snapshot).
        this.#d.durable.snapshot(e, undefined, { of: handledBy }).then(
          () => {
            if (redone) return;
            unsaved.delete(d.seq);
            ack();
          },
          (err: unknown) => {
            if (redone) return;
            if ((isSoloError(err) && err.code === 'unavailable') || handledBy === null || handledBy.disposed) {
              // Its incarnation ended before the state was saved: the next one takes the cast over when it starts
              // (it stays in flight meanwhile, so a redelivery does not overtake it). A node that stops first leaves
              // it unacknowledged, for JetStream to redeliver.
              return;
            }
            unsaved.delete(d.seq);
            this.#inflight.delete(d.seq);
            this.#d.log.error('durable snapshot failed; the cast will be redelivered', { seq: d.seq, error: String(err) });
          },
        );
      },
      (err: unknown) => {
        this.#inflight.delete(d.seq);
        void this.#deadLetter(e, d, err);
      },
    );
  }

  async #deadLetter(e: ServiceEntry, d: MailboxDelivery, err: unknown): Promise<void> {
    const reason = toWireError(err);
    const attempts = Number(reason.details?.['attempts'] ?? 0);
    try {
      const dlqSeq = await this.#d.deadLetters.publish(e.tenant, e.service, { message: d.message, seq: d.seq, reason, attempts });
      await this.#d.appendQuietly(
        { type: 'message_dead_lettered', tenant: e.tenant, service_id: e.service, data: { mailbox_seq: d.seq, dlq_seq: dlqSeq, attempts, error: reason } },
        d.correlationId ? { correlationId: d.correlationId } : {},
      );
      d.ack();
    } catch (pubErr) {
      // Could not store it anywhere: leave it unacked so JetStream redelivers it rather than lose it.
      this.#d.log.error('dead-letter publish failed; the cast will be redelivered', { error: String(pubErr), seq: d.seq });
      d.nak(5000);
    }
  }
}
