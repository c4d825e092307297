// Creates or updates Solo's JetStream streams (events, mailbox, logs, dead letters, audit); the node calls it at start-up.
import { DiscardPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import type { JetStreamManager, NatsConnection, StreamConfig } from 'nats';
import { SoloError, auditStream, auditStreamSubjects, deadLetterStream, deadLetterStreamSubjects, eventsStream, eventsStreamSubjects, logsStream, logsStreamSubjects, mailboxStream, mailboxStreamSubjects } from '@solo/protocol';
import { toStoreError } from './nats-error.ts';

/** Options of {@link ensureStreams}. */
export interface EnsureStreamsOptions {
  /** How long log lines are kept. @default 604800000 (7 days) */
  logsMaxAgeMs?: number;
  /** Most bytes the log stream keeps; the oldest lines go first. @default 1073741824 (1 GiB) */
  logsMaxBytes?: number;
  /** How long audit records are kept, at most 3650 days. @default 7776000000 (90 days) */
  auditMaxAgeMs?: number;
  /** Most bytes the audit stream keeps; the oldest records go first. @default 1073741824 (1 GiB) */
  auditMaxBytes?: number;
  /** Replicas of every stream: 1 on a single server, 3 on a cluster. @default 1 */
  replicas?: number;
}

/** {@link EnsureStreamsOptions} with defaults applied. */
export interface ResolvedEnsureStreamsOptions {
  logsMaxAgeMs: number;
  logsMaxBytes: number;
  auditMaxAgeMs: number;
  auditMaxBytes: number;
  replicas: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** JetStream takes max_age in nanoseconds; beyond ~18 years ms × 10^6 is no longer an exact JavaScript integer. */
const AUDIT_MAX_AGE_LIMIT_MS = 3650 * DAY_MS;
/** Window in which the event stream drops a re-published event with the same message id. */
const EVENTS_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/** Validates the options. @throws `invalid_request` for a non-positive age or size, an audit age over 3650 days, or replicas outside 1–5. */
export function resolveEnsureStreamsOptions(opts: EnsureStreamsOptions = {}): ResolvedEnsureStreamsOptions {
  const { logsMaxAgeMs = 7 * DAY_MS, logsMaxBytes = 1024 * 1024 * 1024, auditMaxAgeMs = 90 * DAY_MS, auditMaxBytes = 1024 * 1024 * 1024, replicas = 1 } = opts;
  const positive = (field: string, v: number): void => {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new SoloError('invalid_request', `Invalid ${field} ${String(v)}: pass a whole number above 0.`, { details: { field } });
    }
  };
  positive('logsMaxAgeMs', logsMaxAgeMs);
  positive('logsMaxBytes', logsMaxBytes);
  positive('auditMaxAgeMs', auditMaxAgeMs);
  positive('auditMaxBytes', auditMaxBytes);
  if (auditMaxAgeMs > AUDIT_MAX_AGE_LIMIT_MS) {
    throw new SoloError('invalid_request', `Invalid auditMaxAgeMs ${auditMaxAgeMs}: audit records are kept at most 3650 days (${AUDIT_MAX_AGE_LIMIT_MS} ms).`, {
      details: { field: 'auditMaxAgeMs', max: AUDIT_MAX_AGE_LIMIT_MS },
    });
  }
  if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new SoloError('invalid_request', `Invalid replicas ${String(replicas)}: pass 1 for a single server or 3 for a cluster (at most 5).`, {
      details: { field: 'replicas' },
    });
  }
  return { logsMaxAgeMs, logsMaxBytes, auditMaxAgeMs, auditMaxBytes, replicas };
}

/** The five stream configurations, from protocol names only. */
export function streamConfigs(o: ResolvedEnsureStreamsOptions): Array<Partial<StreamConfig> & { name: string }> {
  const common = { storage: StorageType.File, num_replicas: o.replicas, discard: DiscardPolicy.Old };
  return [
    { ...common, name: eventsStream(), subjects: [eventsStreamSubjects()], retention: RetentionPolicy.Limits, duplicate_window: nanos(EVENTS_DUPLICATE_WINDOW_MS) },
    { ...common, name: mailboxStream(), subjects: [mailboxStreamSubjects()], retention: RetentionPolicy.Workqueue },
    { ...common, name: logsStream(), subjects: [logsStreamSubjects()], retention: RetentionPolicy.Limits, max_age: nanos(o.logsMaxAgeMs), max_bytes: o.logsMaxBytes },
    { ...common, name: deadLetterStream(), subjects: [deadLetterStreamSubjects()], retention: RetentionPolicy.Limits },
    { ...common, name: auditStream(), subjects: [auditStreamSubjects()], retention: RetentionPolicy.Limits, max_age: nanos(o.auditMaxAgeMs), max_bytes: o.auditMaxBytes },
  ];
}

/**
 * Creates the streams, or updates them when their limits changed. Safe to call on every start and from
 * several nodes at once.
 */
export async function ensureStreams(nc: NatsConnection, opts: EnsureStreamsOptions = {}): Promise<void> {
  const resolved = resolveEnsureStreamsOptions(opts);
  let jsm: JetStreamManager;
  try {
    jsm = await nc.jetstreamManager();
  } catch (err) {
    throw toStoreError(err, 'Connecting to JetStream');
  }
  for (const config of streamConfigs(resolved)) await ensureStream(jsm, config);
}

async function ensureStream(jsm: JetStreamManager, want: Partial<StreamConfig> & { name: string }): Promise<void> {
  const action = `Creating stream ${want.name}`;
  try {
    const have = await infoOrNull(jsm, want.name);
    if (have === null) {
      try {
        await jsm.streams.add(want);
        return;
      } catch (err) {
        // Another node created it between our info and add: fall through to the update check.
        if (jetStreamCode(err) !== 10058) throw err;
      }
    }
    const current = have ?? (await jsm.streams.info(want.name)).config;
    if (current.retention !== want.retention || current.storage !== want.storage) {
      throw new SoloError(
        'internal',
        `Stream ${want.name} exists with retention '${current.retention}' and storage '${current.storage}', but Solo needs '${want.retention}' and '${want.storage}'. ` +
          'Retention and storage cannot change in place: back up and remove the stream, then restart the node.',
        { details: { stream: want.name } },
      );
    }
    if (differs(current, want)) await jsm.streams.update(want.name, { ...current, ...want });
  } catch (err) {
    throw toStoreError(err, action);
  }
}

async function infoOrNull(jsm: JetStreamManager, name: string): Promise<StreamConfig | null> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (err) {
    if (jetStreamCode(err) === 10059) return null;
    throw err;
  }
}

function differs(current: StreamConfig, want: Partial<StreamConfig>): boolean {
  const keys = ['subjects', 'num_replicas', 'max_age', 'max_bytes', 'duplicate_window', 'discard'] as const;
  return keys.some((k) => want[k] !== undefined && JSON.stringify(current[k]) !== JSON.stringify(want[k]));
}

function jetStreamCode(err: unknown): number | undefined {
  const code = (err as { api_error?: { err_code?: unknown } } | null)?.api_error?.err_code;
  return typeof code === 'number' ? code : undefined;
}
