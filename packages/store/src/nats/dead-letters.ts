// Dead letters in the dead-letter stream: casts that crashed their actor too often, kept with the reason for an operator to inspect.
import type { JetStreamClient, JetStreamManager, JsMsg, NatsConnection } from 'nats';
import { deadLetterFilter, deadLetterStream, deadLetterSubject, parseServiceId, parseTenantId } from '@solo/protocol';
import type { ServiceId, TenantId } from '@solo/protocol';
import { decodeDeadLetter, encodeDeadLetter } from '../dead-letter-codec.ts';
import type { DeadLetter, DeadLetterInput } from '../dead-letter-codec.ts';
import { resolveReadWindow } from '../read-window.ts';
import { readStream } from './stream-reader.ts';
import { toStoreError } from './nats-error.ts';

const decodeMsg = (m: JsMsg): DeadLetter => decodeDeadLetter(m.seq, m.info.timestampNanos / 1e6, m.string());

/** The dead-letter stream. Open one per connection and share it. */
export class DeadLetters {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;

  private constructor(js: JetStreamClient, jsm: JetStreamManager) {
    this.#js = js;
    this.#jsm = jsm;
  }

  /** Opens the dead-letter stream. @throws `unavailable` when JetStream or the stream is missing (run `ensureStreams` first). */
  static async open(nc: NatsConnection): Promise<DeadLetters> {
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.info(deadLetterStream());
      return new DeadLetters(nc.jetstream(), jsm);
    } catch (err) {
      throw toStoreError(err, 'Opening the dead-letter stream');
    }
  }

  /** Stores one dead letter; resolves with its sequence in the dead-letter stream. */
  async publish(tenant: TenantId, service: ServiceId, entry: DeadLetterInput): Promise<number> {
    const t = parseTenantId(tenant);
    const s = parseServiceId(service);
    const payload = encodeDeadLetter(t, s, entry);
    try {
      return (await this.#js.publish(deadLetterSubject(t, s), payload, { expect: { streamName: deadLetterStream() } })).seq;
    } catch (err) {
      throw toStoreError(err, `Dead-lettering message ${entry.seq} of ${tenant}/${service}`);
    }
  }

  /** The oldest `limit` dead letters of a tenant, or of one of its services. @default limit 100, at most 1000 */
  async read(tenant: TenantId, service?: ServiceId, limit?: number): Promise<DeadLetter[]> {
    const filter: { tenant: TenantId; service?: ServiceId } = { tenant: parseTenantId(tenant) };
    if (service !== undefined) filter.service = parseServiceId(service);
    const window = resolveReadWindow({ limit });
    return readStream(this.#js, this.#jsm, { stream: deadLetterStream(), filter: deadLetterFilter(filter), window, action: 'Reading dead letters' }, decodeMsg);
  }
}
