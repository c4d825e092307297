// Service and kernel logs in the age-limited log stream: fire-and-forget appends, paged reads, live tails.
import type { JetStreamClient, JetStreamManager, JsMsg, NatsConnection } from 'nats';
import { SoloError, logFilter, logsStream, parseServiceId, parseTenantId } from '@solo/protocol';
import type { LogEntry, ServiceId, TenantId } from '@solo/protocol';
import { decodeLogEntry, encodeLogEntry } from '../log-codec.ts';
import type { EncodedLogEntry } from '../log-codec.ts';
import { READ_REPLY_BYTES, resolveReadWindow } from '../read-window.ts';
import { readStreamPage } from './stream-reader.ts';
import { StreamTail } from './stream-tail.ts';
import type { Tail } from './stream-tail.ts';
import { toStoreError } from './nats-error.ts';

/** A live tail of the log stream. */
export type LogTail = Tail<LogEntry>;

/** Selects log lines: one tenant, and optionally one of its services. */
export interface LogSelector {
  tenant: string;
  service?: string;
}

/** A selector plus where to start and how many lines to return. */
export interface LogReadFilter extends LogSelector {
  sinceSeq?: number;
  /** @default 100, at most 1000 */
  limit?: number;
}

/** Options of {@link LogStream.open}. */
export interface LogStreamOptions {
  /** Appends in flight beyond this are dropped (and counted in `failedAppends`) so a log flood cannot exhaust memory. @default 10000 */
  maxPendingAppends?: number;
}

const decodeMsg = (m: JsMsg): LogEntry => decodeLogEntry(m.seq, m.string());

function resolveSelector(selector: LogSelector): { tenant: TenantId; service?: ServiceId } {
  if (typeof selector !== 'object' || selector === null) {
    throw new SoloError('invalid_request', 'A log filter needs at least a tenant.', { details: { field: 'tenant' } });
  }
  const parts: { tenant: TenantId; service?: ServiceId } = { tenant: parseTenantId(selector.tenant) };
  if (selector.service !== undefined) parts.service = parseServiceId(selector.service);
  return parts;
}

/** The log stream. Open one per connection and share it. */
export class LogStream {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #maxPending: number;
  readonly #pending = new Set<Promise<void>>();
  #failed = 0;

  private constructor(js: JetStreamClient, jsm: JetStreamManager, maxPending: number) {
    this.#js = js;
    this.#jsm = jsm;
    this.#maxPending = maxPending;
  }

  /** Opens the log stream. @throws `unavailable` when JetStream or the stream is missing (run `ensureStreams` first). */
  static async open(nc: NatsConnection, opts: LogStreamOptions = {}): Promise<LogStream> {
    const { maxPendingAppends = 10_000 } = opts;
    if (!Number.isSafeInteger(maxPendingAppends) || maxPendingAppends < 1) {
      throw new SoloError('invalid_request', `Invalid maxPendingAppends ${String(maxPendingAppends)}: pass a whole number above 0.`, {
        details: { field: 'maxPendingAppends' },
      });
    }
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.info(logsStream());
      return new LogStream(nc.jetstream(), jsm, maxPendingAppends);
    } catch (err) {
      throw toStoreError(err, 'Opening the log stream');
    }
  }

  /** Appends that were invalid, dropped or not stored. Logging must never fail its caller, so failures only count here. */
  get failedAppends(): number {
    return this.#failed;
  }

  /** Publishes one log line without waiting for it; never throws. */
  append(entry: Omit<LogEntry, 'seq'>): void {
    let encoded: EncodedLogEntry;
    try {
      encoded = encodeLogEntry(entry);
    } catch {
      this.#failed += 1;
      return;
    }
    if (this.#pending.size >= this.#maxPending) {
      this.#failed += 1;
      return;
    }
    let published: Promise<unknown>;
    try {
      published = this.#js.publish(encoded.subject, encoded.payload, { expect: { streamName: logsStream() } });
    } catch {
      this.#failed += 1;
      return;
    }
    const p: Promise<void> = published.then(
      () => {
        this.#pending.delete(p);
      },
      () => {
        this.#failed += 1;
        this.#pending.delete(p);
      },
    );
    this.#pending.add(p);
  }

  /** Resolves once every append made so far was stored or counted as failed. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Returns up to `limit` log lines in sequence order, within the byte budget of {@link readPage}. */
  async read(filter: LogReadFilter): Promise<LogEntry[]> {
    return (await this.readPage(filter)).entries;
  }

  /**
   * Returns up to `limit` log lines in sequence order, stopping before the line that would take the page over
   * READ_REPLY_BYTES (`truncated` then); an empty range returns at once.
   */
  async readPage(filter: LogReadFilter): Promise<{ entries: LogEntry[]; truncated: boolean }> {
    const subject = logFilter(resolveSelector(filter));
    const window = resolveReadWindow({ sinceSeq: filter.sinceSeq, limit: filter.limit });
    const page = await readStreamPage(this.#js, this.#jsm, { stream: logsStream(), filter: subject, window, action: 'Reading logs', maxBytes: READ_REPLY_BYTES }, decodeMsg);
    return { entries: page.items, truncated: page.truncated };
  }

  /** Starts a live tail from `sinceSeq`, or of new lines only. Iterate it once; call `stop()` when done. */
  tail(filter: LogSelector, opts: { sinceSeq?: number } = {}): LogTail {
    const subject = logFilter(resolveSelector(filter));
    const { sinceSeq } = resolveReadWindow({ sinceSeq: opts.sinceSeq });
    return new StreamTail(this.#js, { stream: logsStream(), filter: subject, sinceSeq, action: 'Tailing logs' }, decodeMsg);
  }
}
