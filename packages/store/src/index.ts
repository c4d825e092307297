// @solo/store: the node's persistence. JetStream streams (event log, mailboxes, logs, dead letters) in src/nats/,
// the local LMDB store (artifacts, services, snapshots, checkpoints, meta) in src/lmdb/.

/**
 * Creates or updates the events, mailbox (work queue), logs (age-limited), dead-letter and audit (age- and
 * size-limited) streams, all on file storage. Idempotent: call it at every node start, before opening any stream.
 * @throws `invalid_request` for a bad option; `unavailable` when NATS or JetStream does not answer;
 * `internal` when a stream exists with a retention or storage that cannot change in place.
 */
export { ensureStreams } from './nats/streams.ts';
/**
 * Options of `ensureStreams`: `logsMaxAgeMs` (@default 7 days), `logsMaxBytes` (@default 1 GiB),
 * `auditMaxAgeMs` (@default 90 days, at most 3650), `auditMaxBytes` (@default 1 GiB), `replicas` (@default 1; 3 on a cluster).
 */
export type { EnsureStreamsOptions } from './nats/streams.ts';

/**
 * The append-only event log. `append` is the kernel's commit point (one awaited publish, returns the seq);
 * `read` pages by tenant/service/type/since and `readPage` does too with `truncated` (both stop at
 * READ_REPLY_BYTES of events, 512 KiB); `tail` follows live; `lastSeq` gives the newest position.
 * @throws `invalid_request` for an invalid id, unknown type or bad window (limit over 1000);
 * `unavailable` when NATS or the stream is missing; `internal` for a corrupt stored event.
 */
export { EventLog } from './nats/event-log.ts';
/**
 * `EventTail`: a live tail (`for await`, `ready()`, `stop()`); `AppendEventOptions`: `msgId` for deduplication;
 * `EventPage`: `events` and `truncated` (the page stopped at the byte budget with more events left).
 */
export type { EventTail, AppendEventOptions, EventPage } from './nats/event-log.ts';
/**
 * Selects events: `tenant`/`service` (omitted = all, null = node-wide / tenant-wide), `type`, plus the window
 * `sinceSeq`, `sinceTime` and `limit` (@default 100, at most 1000).
 */
export type { EventReadFilter, EventSelector } from './event-read-filter.ts';

/**
 * Durable actor mailboxes (work queue). `publish` stores a cast; `consume` runs one durable consumer per node
 * over every mailbox; `purge` and `pendingCount` act on one mailbox.
 * @throws `invalid_request` for an invalid id, node id, option or a non-JSON message; `unavailable` when NATS
 * or the stream is missing; `limit_exceeded` for a message over max_payload.
 */
export { MailboxStream } from './nats/mailbox-stream.ts';
/** `MailboxPublishOptions`: `correlationId` and `msgId` of a cast. */
export type { MailboxPublishOptions } from './nats/mailbox-stream.ts';
/**
 * `MailboxDelivery`: one cast to settle with ack/ackConfirmed/nak/term (`working` extends the ack wait).
 * `MailboxConsumeOptions`: `maxAckPending` (@default 10000), `ackWaitMs` (@default 30000), `onBadMessage`,
 * `onError`. `MailboxConsumer`: `stop()` keeps the durable.
 */
export type { MailboxDelivery, MailboxConsumeOptions, MailboxConsumer } from './nats/mailbox-consumer.ts';

/**
 * Dead-lettered casts with their failure reason. `read(tenant, service?, limit?)` returns the oldest first.
 * @throws `invalid_request` for an invalid id, entry or limit; `unavailable` when NATS or the stream is missing.
 */
export { DeadLetters } from './nats/dead-letters.ts';
/** `DeadLetterInput`: what the kernel hands over; `DeadLetter`: what `read` returns. */
export type { DeadLetter, DeadLetterInput } from './dead-letter-codec.ts';

/**
 * Service and kernel logs. `append` never throws and never waits (failures count in `failedAppends`);
 * `flush` awaits outstanding appends; `read` pages and `readPage` does too with `truncated` (both stop at
 * READ_REPLY_BYTES of lines); `tail` follows live.
 * @throws (read, tail) `invalid_request` for an invalid id or window; `unavailable` when NATS is down.
 */
export { LogStream } from './nats/log-stream.ts';
/**
 * `LogTail`: a live tail. `LogSelector`/`LogReadFilter`: tenant, optional service, `sinceSeq`, `limit`
 * (@default 100, at most 1000). `LogStreamOptions`: `maxPendingAppends` (@default 10000).
 */
export type { LogTail, LogSelector, LogReadFilter, LogStreamOptions } from './nats/log-stream.ts';

/**
 * The audit trail: one record per API request, stored in batches (one stream message per tenant per flush).
 * `append` never throws and never waits (malformed, dropped and unstored records count in `failedAppends`); `flush`
 * stores the buffered records and awaits outstanding appends; `read({ tenant, since, after, limit })` returns records
 * stored at or after `since` and after the cursor `after`, oldest first, `truncated` when more matched, and `next`.
 * @throws (open) `invalid_request` for a bad option, `unavailable` when the stream is missing; (read) `invalid_request`
 * for an invalid tenant id, date, cursor or limit outside 1–10000, `unavailable` when NATS is down, `internal` for a
 * corrupt stored record.
 */
export { AuditStream, AUDIT_READ_LIMIT } from './nats/audit-stream.ts';
/**
 * `AuditReadQuery`: `tenant` (null = records without a tenant, omitted = all), `since`, `after` (a `next` cursor),
 * `limit`; `AuditReadResult`: records, `truncated` and `next`; `AuditStreamOptions`: `maxPendingAppends`
 * (@default 10000), `ackTimeoutMs` (@default 5000), `inboxPrefix` (@default '_INBOX'), `maxBatchRecords`
 * (@default 256), `maxBatchBytes` (@default 65536, at most half the server's max_payload), `batchDelayMs` (@default 5).
 */
export type { AuditReadQuery, AuditReadResult, AuditStreamOptions } from './nats/audit-stream.ts';
/** The longest string an audit record keeps in any field (longer ones are clipped with `…`). */
export { MAX_AUDIT_FIELD_CHARS } from './audit-codec.ts';

/** A live tail of a stream: `for await` it once, `ready()` resolves when the consumer exists, `stop()` deletes it. */
export type { Tail } from './nats/stream-tail.ts';

/**
 * The discovery bucket (`solo_registry` KV): `open(nc)`, `put`, `remove`, `watch(onChange)` (current records,
 * then changes; resolves once the current ones arrived), `stop()`, and `keyOf(parts)`.
 * @throws `unavailable` when NATS or JetStream does not answer; `invalid_request` for a key part that is not an id.
 */
export { RegistryBucket } from './nats/registry-bucket.ts';
/** One change of the registry bucket: a stored record, or `value: null` when it was removed. */
export type { RegistryChange } from './nats/registry-bucket.ts';

/** Bounds of every read's `limit`: default 100, at most 1000; and the byte budget of a page of events or logs (512 KiB). */
export { READ_LIMIT, READ_REPLY_BYTES } from './read-window.ts';
/** The log levels, lowest first. */
export { LOG_LEVELS } from './log-codec.ts';

/**
 * The node's local LMDB store: `artifacts`, and the typed sub-databases `services`, `snapshots`, `meta`,
 * `checkpoints`; `transaction(fn)` writes across them atomically. Give a schema type to narrow the values:
 * `LocalStore.open<MySchema>(dir)`.
 * @throws `invalid_request` for an empty dir, bad key or undefined value; `internal` for any LMDB failure.
 */
export { LocalStore } from './lmdb/local-store.ts';
/** `LocalStoreSchema`: the value type of each sub-database; `JsonStoreSchema`: the default (JSON everywhere). */
export type { LocalStoreSchema, JsonStoreSchema } from './lmdb/local-store.ts';
/** The sha256 hex of a code string (UTF-8): the address `ArtifactStore.put` returns for it. */
export { artifactHash } from './lmdb/artifact-store.ts';
/**
 * Content-addressed compiled code (`LocalStore.artifacts`): `put(code)` → sha256 hex (idempotent; repairs a
 * tampered copy), `get`, `has`, and `verify(hash)`, false when the stored code was altered or is missing.
 * @throws `invalid_request` for a hash that is not 64 lowercase hex digits.
 */
export type { ArtifactStore } from './lmdb/artifact-store.ts';
/**
 * A sub-database with string keys: sync `get`, durable `put`/`remove`, `entries({ prefix, reverse, limit })`,
 * `count({ prefix })`. Keys sort by UTF-8 bytes: zero-pad numeric keys.
 */
export type { TypedDb, EntriesOptions } from './lmdb/typed-db.ts';
/**
 * The secrets vault's sub-database (`LocalStore.vault`), all synchronous: `get`, `has`, `entries(prefix)`,
 * `keys(prefix)` and `writeSync(fn)`, one atomic commit of `put`/`remove` calls. Values are opaque records the
 * kernel's SecretVault encrypts and validates. @throws `internal` for any LMDB failure.
 */
export type { VaultDb, VaultRecord, VaultWriter } from './lmdb/vault-db.ts';
