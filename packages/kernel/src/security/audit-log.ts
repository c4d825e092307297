// The node's audit trail: every door hands each request's record here; it is appended to the audit stream and
// watched for repeated denials, which raise a security alert. The operator's `audit_export` reads it back.
import type { AuditExportReply, AuditRecord } from '@solo/protocol';
import type { AuditReadQuery, AuditReadResult } from '@solo/store';
import type { KernelLogger } from '../kernel-types.ts';
import { DenialWatch } from './denial-watch.ts';
import type { DenialWatchOptions, SecurityAlert } from './denial-watch.ts';

/** Where records are stored (`AuditStream` of `@solo/store`). */
export interface AuditStreamPort {
  /** Must not throw nor wait: it runs on every request's path. */
  append(r: AuditRecord): void;
  read(q: AuditReadQuery): Promise<AuditReadResult>;
  flush(): Promise<void>;
}

/** Options of {@link AuditLog}; the alert thresholds are those of {@link DenialWatchOptions}. */
export interface AuditLogOptions extends DenialWatchOptions {
  stream: AuditStreamPort;
  /** Called at most once per key per window when a token or tenant crosses the denial threshold. Must not block. */
  onAlert: (alert: SecurityAlert) => void;
  /** Clock of the denial window. @default Date.now */
  now?: () => number;
  /** Where a failing `onAlert` is reported. @default silent */
  log?: KernelLogger;
}

/** Records API requests and raises alerts on repeated denials. One per node, shared by every door. */
export class AuditLog {
  readonly #stream: AuditStreamPort;
  readonly #watch: DenialWatch;
  readonly #onAlert: (alert: SecurityAlert) => void;
  readonly #now: () => number;
  readonly #log: KernelLogger | undefined;

  /** @throws `invalid_request` for an alert option out of range. */
  constructor(o: AuditLogOptions) {
    this.#watch = new DenialWatch(o);
    this.#stream = o.stream;
    this.#onAlert = o.onAlert;
    this.#now = o.now ?? Date.now;
    this.#log = o.log;
  }

  /** Keys (token ids and tenants) the denial watch tracks now; bounded by `maxTrackedKeys`. */
  get trackedKeys(): number {
    return this.#watch.trackedKeys;
  }

  /** Appends one request's record and checks it for repeated denials; never throws and never waits. */
  record(r: AuditRecord): void {
    this.#stream.append(r);
    let alerts: SecurityAlert[];
    try {
      alerts = this.#watch.observe(r, this.#now());
    } catch (err) {
      // Only a record of the wrong shape gets here (the stream already counted it); it must not fail the request.
      this.#log?.warn('audit record not checked for denials', { error: String(err) });
      return;
    }
    for (const alert of alerts) {
      try {
        this.#onAlert(alert);
      } catch (err) {
        // An alert that cannot be raised must not fail the request that triggered it: it stays in the audit trail.
        this.#log?.error('security alert not raised', { key_kind: alert.key_kind, key: alert.key, error: String(err) });
      }
    }
  }

  /**
   * Returns up to `limit` records stored at or after `since`, of one tenant or all, oldest first, and whether more matched.
   * @throws `invalid_request` for an invalid tenant id, date or a limit outside 1–10000; `unavailable` when NATS is down.
   */
  async export(q: AuditReadQuery): Promise<AuditExportReply> {
    const { records, truncated } = await this.#stream.read(q);
    return { records, truncated };
  }

  /** Resolves once every record so far was stored or counted as failed. */
  async flush(): Promise<void> {
    await this.#stream.flush();
  }
}
