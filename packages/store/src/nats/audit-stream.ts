// The audit trail in the audit stream: one record per API request, appended without waiting and stored in batches
// (one message per tenant per flush), exported by time, tenant and cursor.
import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { SoloError, auditFilter, auditStream, parseTenantId } from '@solo/protocol';
import type { AuditRecord, TenantId } from '@solo/protocol';
import { encodeAuditRecord } from '../audit-codec.ts';
import type { EncodedAuditRecord } from '../audit-codec.ts';
import { AuditBatcher } from './audit-batcher.ts';
import type { AuditBatcherOptions } from './audit-batcher.ts';
import { readAuditPage } from './audit-reader.ts';
import type { AuditPosition } from './audit-reader.ts';
import { BackgroundPublisher } from './background-publisher.ts';
import { toStoreError } from './nats-error.ts';

/** Bounds of {@link AuditReadQuery.limit}: an export returns at most this many records. */
export const AUDIT_READ_LIMIT = { max: 10_000 } as const;

/** Which records {@link AuditStream.read} returns. */
export interface AuditReadQuery {
  /** One tenant's records; `null` for records without a tenant (operator verbs, invalid tenants); omitted for all. */
  tenant?: string | null;
  /** Only records the stream stored at or after this time. @default the oldest record kept */
  since?: Date;
  /** Only records after this cursor: the `next` of an earlier read with the same tenant. @default from the start (or `since`) */
  after?: string;
  /** Most records returned, 1–10000. */
  limit: number;
}

/** The records read, oldest first, whether more matched than `limit` allowed, and the cursor after the last one. */
export interface AuditReadResult {
  records: AuditRecord[];
  truncated: boolean;
  /** Pass as `after` to read on from the last record returned, without repeating or skipping one. Absent when none was returned. */
  next?: string;
}

/** Options of {@link AuditStream.open}. */
export interface AuditStreamOptions {
  /** Records buffered or in flight beyond this are dropped (and counted in `failedAppends`) so a request flood cannot exhaust memory. @default 10000 */
  maxPendingAppends?: number;
  /** A batch not acknowledged by the stream within this many ms counts its records as failed. @default 5000 */
  ackTimeoutMs?: number;
  /** Prefix of the inbox the stream's acks come back on; the connection must be allowed to subscribe to `<prefix>.>`. @default '_INBOX' */
  inboxPrefix?: string;
  /** A tenant's batch is stored once it holds this many records, 1–10000. @default 256 */
  maxBatchRecords?: number;
  /** A tenant's batch is stored before it would pass this many bytes, 1 to half the server's max_payload. @default 65536 (or half of max_payload, if smaller) */
  maxBatchBytes?: number;
  /** A record waits at most this many ms in its batch before it is stored, 0–1000. @default 5 */
  batchDelayMs?: number;
}

const DEFAULT_BATCH = { maxRecords: 256, maxBytes: 64 * 1024, delayMs: 5 } as const;
const MAX_BATCH_RECORDS = 10_000;
const MAX_BATCH_DELAY_MS = 1000;
/** The server's max_payload when the connection does not say (nats-server's default, 1 MiB). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

type ResolvedQuery = { tenant: TenantId | null | undefined; since: Date | undefined; after: AuditPosition | undefined; limit: number };

const formatCursor = (p: AuditPosition): string => `${p.seq}:${p.index}`;

/** Validates a read query before anything touches NATS. @throws `invalid_request` naming the bad field. */
function resolveQuery(q: AuditReadQuery): ResolvedQuery {
  if (typeof q !== 'object' || q === null) {
    throw new SoloError('invalid_request', 'An audit read needs an object with a limit (1-10000), and optionally tenant, since and after.', { details: { field: 'limit' } });
  }
  const tenant = q.tenant === undefined || q.tenant === null ? q.tenant : parseTenantId(q.tenant);
  if (q.since !== undefined && (!(q.since instanceof Date) || Number.isNaN(q.since.getTime()))) {
    throw new SoloError('invalid_request', 'Invalid since. Pass an ISO-8601 time such as 2024-05-01T12:00:00Z.', { details: { field: 'since' } });
  }
  let after: AuditPosition | undefined;
  if (q.after !== undefined) {
    const m = typeof q.after === 'string' ? /^([1-9][0-9]{0,14}):([0-9]{1,5})$/.exec(q.after) : null;
    if (m === null) {
      throw new SoloError('invalid_request', `Invalid after '${String(q.after)}'. Pass the next cursor of an earlier read, such as 42:7, or omit it.`, {
        details: { field: 'after' },
      });
    }
    after = { seq: Number(m[1]), index: Number(m[2]) };
  }
  if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > AUDIT_READ_LIMIT.max) {
    throw new SoloError(
      'invalid_request',
      `Invalid limit ${String(q.limit)}. Pass a whole number from 1 to ${AUDIT_READ_LIMIT.max}; for more, read again after the last record (its time as since, or the next cursor).`,
      { details: { field: 'limit', max: AUDIT_READ_LIMIT.max } },
    );
  }
  return { tenant, since: q.since, after, limit: q.limit };
}

/** Validates the append options. @throws `invalid_request` naming the bad field. */
function resolveOptions(opts: AuditStreamOptions, maxPayload: number): { ackTimeoutMs: number; inboxPrefix: string; batcher: AuditBatcherOptions } {
  const maxBytesCap = Math.floor(maxPayload / 2);
  const {
    maxPendingAppends = 10_000,
    ackTimeoutMs = 5000,
    inboxPrefix = '_INBOX',
    maxBatchRecords = DEFAULT_BATCH.maxRecords,
    maxBatchBytes = Math.min(DEFAULT_BATCH.maxBytes, maxBytesCap),
    batchDelayMs = DEFAULT_BATCH.delayMs,
  } = opts;
  const ranges = [
    ['maxPendingAppends', maxPendingAppends, 1, Number.MAX_SAFE_INTEGER],
    ['ackTimeoutMs', ackTimeoutMs, 1, Number.MAX_SAFE_INTEGER],
    ['maxBatchRecords', maxBatchRecords, 1, MAX_BATCH_RECORDS],
    // Half of max_payload leaves room for the one record that may go past the bound, and for the headers.
    ['maxBatchBytes', maxBatchBytes, 1, maxBytesCap],
    ['batchDelayMs', batchDelayMs, 0, MAX_BATCH_DELAY_MS],
  ] as const;
  for (const [field, v, min, max] of ranges) {
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      throw new SoloError('invalid_request', `Invalid ${field} ${String(v)}: pass a whole number from ${min} to ${max}.`, { details: { field, min, max } });
    }
  }
  if (typeof inboxPrefix !== 'string' || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(inboxPrefix)) {
    throw new SoloError('invalid_request', `Invalid inboxPrefix '${String(inboxPrefix)}': pass subject tokens of letters, digits, '_' and '-' such as _INBOX.`, {
      details: { field: 'inboxPrefix' },
    });
  }
  return {
    ackTimeoutMs,
    inboxPrefix,
    batcher: { maxPending: maxPendingAppends, maxRecords: maxBatchRecords, maxBytes: maxBatchBytes, delayMs: batchDelayMs },
  };
}

/** The audit stream. Open one per connection and share it. */
export class AuditStream {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #batcher: AuditBatcher;

  private constructor(js: JetStreamClient, jsm: JetStreamManager, batcher: AuditBatcher) {
    this.#js = js;
    this.#jsm = jsm;
    this.#batcher = batcher;
  }

  /**
   * Opens the audit stream.
   * @throws `invalid_request` for a bad option; `unavailable` when JetStream or the stream is missing (run `ensureStreams` first).
   */
  static async open(nc: NatsConnection, opts: AuditStreamOptions = {}): Promise<AuditStream> {
    const o = resolveOptions(opts, nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD);
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.info(auditStream());
      const publisher = new BackgroundPublisher(nc, auditStream(), { ackTimeoutMs: o.ackTimeoutMs, inboxPrefix: o.inboxPrefix });
      return new AuditStream(nc.jetstream(), jsm, new AuditBatcher(publisher, o.batcher));
    } catch (err) {
      throw toStoreError(err, 'Opening the audit stream');
    }
  }

  /** Records that were malformed, dropped (too many pending) or not stored. Auditing never fails a request, so failures only count here. */
  get failedAppends(): number {
    return this.#batcher.failed;
  }

  /** Records waiting in a batch or for the stream's acknowledgement. */
  get pendingAppends(): number {
    return this.#batcher.pending;
  }

  /** Buffers one record for its tenant's next batch; never throws and never waits. */
  append(record: AuditRecord): void {
    let encoded: EncodedAuditRecord;
    try {
      encoded = encodeAuditRecord(record);
    } catch {
      this.#batcher.countFailure();
      return;
    }
    this.#batcher.add(encoded.subject, encoded.payload);
  }

  /** Stores every buffered record now, and resolves once every append so far was stored or counted as failed (at most `ackTimeoutMs` later). */
  async flush(): Promise<void> {
    await this.#batcher.flush();
  }

  /** Flushes, then stops listening for acknowledgements; later appends count as failed. Idempotent. */
  async close(): Promise<void> {
    await this.#batcher.close();
  }

  /**
   * Returns up to `limit` records in the order they were stored, from the first one stored at or after `since`
   * and after the cursor `after`. `since` compares with the time the stream stored a record's batch, at most
   * `batchDelayMs` and a round trip after its `at`, so a page that ends inside a batch is best continued with `next`.
   * @throws `invalid_request` for an invalid tenant id, date, cursor or limit; `unavailable` when NATS is down;
   * `internal` for a corrupt stored record.
   */
  async read(q: AuditReadQuery): Promise<AuditReadResult> {
    const { tenant, since, after, limit } = resolveQuery(q);
    const page = await readAuditPage(this.#js, this.#jsm, { filter: auditFilter(tenant), since, after, limit });
    const result: AuditReadResult = { records: page.records, truncated: page.truncated };
    if (page.last !== undefined) result.next = formatCursor(page.last);
    return result;
  }
}
