// The audit trail in the audit stream: one record per API request, appended without waiting, exported by time and tenant.
import type { JetStreamClient, JetStreamManager, JsMsg, NatsConnection } from 'nats';
import { SoloError, auditFilter, auditStream, parseTenantId } from '@solo/protocol';
import type { AuditRecord, TenantId } from '@solo/protocol';
import { decodeAuditRecord, encodeAuditRecord } from '../audit-codec.ts';
import type { EncodedAuditRecord } from '../audit-codec.ts';
import { BackgroundPublisher } from './background-publisher.ts';
import { readStream } from './stream-reader.ts';
import { toStoreError } from './nats-error.ts';

/** Bounds of {@link AuditReadQuery.limit}: an export returns at most this many records. */
export const AUDIT_READ_LIMIT = { max: 10_000 } as const;

/** Which records {@link AuditStream.read} returns. */
export interface AuditReadQuery {
  /** One tenant's records; `null` for records without a tenant (operator verbs, invalid tenants); omitted for all. */
  tenant?: string | null;
  /** Only records the stream stored at or after this time. @default the oldest record kept */
  since?: Date;
  /** Most records returned, 1–10000. */
  limit: number;
}

/** The records read, oldest first, and whether more matched than `limit` allowed. */
export interface AuditReadResult {
  records: AuditRecord[];
  truncated: boolean;
}

/** Options of {@link AuditStream.open}. */
export interface AuditStreamOptions {
  /** Appends in flight beyond this are dropped (and counted in `failedAppends`) so a request flood cannot exhaust memory. @default 10000 */
  maxPendingAppends?: number;
  /** An append not acknowledged by the stream within this many ms counts as failed. @default 5000 */
  ackTimeoutMs?: number;
  /** Prefix of the inbox the stream's acks come back on; the connection must be allowed to subscribe to `<prefix>.>`. @default '_INBOX' */
  inboxPrefix?: string;
}

const decodeMsg = (m: JsMsg): AuditRecord => decodeAuditRecord(m.seq, m.string());

/** Validates a read query before anything touches NATS. @throws `invalid_request` naming the bad field. */
function resolveQuery(q: AuditReadQuery): { tenant: TenantId | null | undefined; since: Date | undefined; limit: number } {
  if (typeof q !== 'object' || q === null) {
    throw new SoloError('invalid_request', 'An audit read needs an object with a limit (1-10000), and optionally tenant and since.', { details: { field: 'limit' } });
  }
  const tenant = q.tenant === undefined || q.tenant === null ? q.tenant : parseTenantId(q.tenant);
  if (q.since !== undefined && (!(q.since instanceof Date) || Number.isNaN(q.since.getTime()))) {
    throw new SoloError('invalid_request', 'Invalid since. Pass an ISO-8601 time such as 2024-05-01T12:00:00Z.', { details: { field: 'since' } });
  }
  if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > AUDIT_READ_LIMIT.max) {
    throw new SoloError(
      'invalid_request',
      `Invalid limit ${String(q.limit)}. Pass a whole number from 1 to ${AUDIT_READ_LIMIT.max}; for more, export again with since set to the last record's time.`,
      { details: { field: 'limit', max: AUDIT_READ_LIMIT.max } },
    );
  }
  return { tenant, since: q.since, limit: q.limit };
}

/** The audit stream. Open one per connection and share it. */
export class AuditStream {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #publisher: BackgroundPublisher;

  private constructor(js: JetStreamClient, jsm: JetStreamManager, publisher: BackgroundPublisher) {
    this.#js = js;
    this.#jsm = jsm;
    this.#publisher = publisher;
  }

  /**
   * Opens the audit stream.
   * @throws `invalid_request` for a bad option; `unavailable` when JetStream or the stream is missing (run `ensureStreams` first).
   */
  static async open(nc: NatsConnection, opts: AuditStreamOptions = {}): Promise<AuditStream> {
    const { maxPendingAppends = 10_000, ackTimeoutMs = 5000, inboxPrefix = '_INBOX' } = opts;
    for (const [field, v] of [
      ['maxPendingAppends', maxPendingAppends],
      ['ackTimeoutMs', ackTimeoutMs],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1) {
        throw new SoloError('invalid_request', `Invalid ${field} ${String(v)}: pass a whole number above 0.`, { details: { field } });
      }
    }
    if (typeof inboxPrefix !== 'string' || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(inboxPrefix)) {
      throw new SoloError('invalid_request', `Invalid inboxPrefix '${String(inboxPrefix)}': pass subject tokens of letters, digits, '_' and '-' such as _INBOX.`, {
        details: { field: 'inboxPrefix' },
      });
    }
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.info(auditStream());
      const publisher = new BackgroundPublisher(nc, auditStream(), { maxPending: maxPendingAppends, ackTimeoutMs, inboxPrefix });
      return new AuditStream(nc.jetstream(), jsm, publisher);
    } catch (err) {
      throw toStoreError(err, 'Opening the audit stream');
    }
  }

  /** Records that were malformed, dropped (too many in flight) or not stored. Auditing never fails a request, so failures only count here. */
  get failedAppends(): number {
    return this.#publisher.failed;
  }

  /** Appends still waiting for the stream's acknowledgement. */
  get pendingAppends(): number {
    return this.#publisher.pending;
  }

  /** Publishes one record without waiting for its acknowledgement; never throws. */
  append(record: AuditRecord): void {
    let encoded: EncodedAuditRecord;
    try {
      encoded = encodeAuditRecord(record);
    } catch {
      this.#publisher.countFailure();
      return;
    }
    this.#publisher.publish(encoded.subject, encoded.payload);
  }

  /** Resolves once every append made so far was stored or counted as failed (at most `ackTimeoutMs` later). */
  async flush(): Promise<void> {
    await this.#publisher.flush();
  }

  /** Flushes, then stops listening for acknowledgements; later appends count as failed. Idempotent. */
  async close(): Promise<void> {
    await this.#publisher.close();
  }

  /**
   * Returns up to `limit` records in the order they were stored, from the first one stored at or after `since`.
   * `since` compares with the time the stream stored a record, a moment after its `at`.
   * @throws `invalid_request` for an invalid tenant id, date or limit; `unavailable` when NATS is down;
   * `internal` for a corrupt stored record.
   */
  async read(q: AuditReadQuery): Promise<AuditReadResult> {
    const { tenant, since, limit } = resolveQuery(q);
    // One record past the limit tells whether more matched, without a second round trip.
    const window = { sinceSeq: undefined, sinceTime: since, limit: limit + 1 };
    const records = await readStream(this.#js, this.#jsm, { stream: auditStream(), filter: auditFilter(tenant), window, action: 'Reading the audit trail' }, decodeMsg);
    const truncated = records.length > limit;
    if (truncated) records.length = limit;
    return { records, truncated };
  }
}
