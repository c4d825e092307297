// How a client reaches NATS and authenticates, shared by connectSolo and connectSoloAdmin: the URL, the
// capability token, the NATS nkey user, and a credentials document that fills whatever is not given.
import { SoloError } from '@solo/protocol';
import type { SoloCredentials } from '@solo/protocol';
import { isInboxPrefix, isNkeyUserSeed, parseSoloCredentials } from './credentials.ts';

/** Options of every Solo client connection. */
export interface ConnectionOptions {
  /**
   * URL of the NATS server (or cluster member) the Solo node listens on, e.g. `nats://127.0.0.1:4222`.
   * @default the credentials' `nats_url`; required when they have none
   */
  natsUrl?: string;
  /** Capability token sent with every request (header `Solo-Token`). @default the credentials' token, else none */
  token?: string;
  /**
   * Seed of the NATS nkey user to log in as (`SU…`). A Solo node's embedded nats-server accepts nkey users
   * only. @default the credentials' `nats.seed`, else no NATS authentication
   */
  nkeySeed?: string;
  /**
   * Prefix of the client's reply inboxes. A tenant's NATS user may only subscribe to `_INBOX_<tenant>.>`,
   * so it must be set with that user's seed. @default the credentials' `nats.inbox_prefix`, else `_INBOX`
   */
  inboxPrefix?: string;
  /**
   * A credentials document, or the path of a credentials file (`solo tenant create` writes one). It fills
   * the token, NATS user, inbox prefix, URL (and the tenant of `connectSolo`) where they are not given. A
   * file readable by other users (mode wider than 0600) is refused: run `chmod 600 <file>`. @default none
   */
  credentials?: SoloCredentials | string;
  /** Deadline of each control-plane request and of the initial connection, in ms. @default 10000 */
  requestTimeoutMs?: number;
  /** Connection name shown by NATS monitoring. @default 'solo-sdk' */
  name?: string;
}

/** {@link ConnectionOptions} with the credentials applied and every value checked. */
export interface ResolvedConnectionOptions {
  natsUrl: string;
  token: string | undefined;
  nkeySeed: string | undefined;
  inboxPrefix: string | undefined;
  requestTimeoutMs: number;
  name: string;
}

/** Reads a credentials file (the SDK's `readCredentialsFile`), passed in so option checks stay free of I/O. */
export type CredentialsFileReader = (path: string) => SoloCredentials;

/** Default of {@link ConnectionOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

function optionError(field: string, message: string): SoloError {
  return new SoloError('invalid_request', message, { details: { field } });
}

/**
 * The credentials an option names: the object checked, or the file read.
 * @throws `invalid_request` (field `credentials`) for a bad document or file, or a path without a reader
 */
export function loadCredentialsOption(value: SoloCredentials | string | undefined, read: CredentialsFileReader | undefined): SoloCredentials | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (value.trim() === '') throw optionError('credentials', 'Option credentials is an empty path. Pass the path of a credentials file (`solo tenant create` writes one), or omit it.');
    if (read === undefined) {
      throw optionError('credentials', 'Option credentials is a path, but no file reader was given. Pass the parsed credentials object, or call connectSolo, which reads the file.');
    }
    return read(value);
  }
  return parseSoloCredentials(value, 'Option credentials');
}

/** Checks a caller-supplied deadline. @throws `invalid_request` unless it is a positive integer of ms. */
export function checkTimeout(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw optionError(field, `Option ${field} must be a positive integer number of milliseconds, got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

/**
 * Applies `creds` under the explicit options and checks the result.
 * @throws `invalid_request` naming the offending option (never quoting a token or seed)
 */
export function resolveConnectionOptions(opts: ConnectionOptions, creds: SoloCredentials | undefined): ResolvedConnectionOptions {
  const natsUrl = opts.natsUrl ?? creds?.nats_url;
  if (typeof natsUrl !== 'string' || natsUrl.trim() === '') {
    throw optionError(
      'natsUrl',
      `Option natsUrl is ${natsUrl === undefined ? 'missing' : 'empty'}${creds === undefined ? '' : ' and the credentials name no nats_url'}. Pass the NATS URL of a running Solo node, e.g. nats://127.0.0.1:4222 (see \`solo up\`).`,
    );
  }
  if (opts.token !== undefined && (typeof opts.token !== 'string' || opts.token === '')) {
    throw optionError('token', 'Option token is empty. Pass a token issued by Solo, or omit the option.');
  }
  if (opts.nkeySeed !== undefined && !isNkeyUserSeed(opts.nkeySeed)) {
    throw optionError('nkeySeed', 'Option nkeySeed is not an nkey user seed (58 characters starting with SU). Pass the seed of the NATS user, e.g. from a credentials file.');
  }
  if (opts.inboxPrefix !== undefined && !isInboxPrefix(opts.inboxPrefix)) {
    throw optionError('inboxPrefix', `Option inboxPrefix ${JSON.stringify(opts.inboxPrefix)} is not a subject prefix (letters, digits, _ and -, dot-separated, no wildcards), e.g. _INBOX_acme.`);
  }
  const requestTimeoutMs = checkTimeout(opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
  return {
    natsUrl: natsUrl.trim(),
    token: opts.token ?? creds?.token,
    nkeySeed: opts.nkeySeed ?? creds?.nats?.seed,
    inboxPrefix: opts.inboxPrefix ?? creds?.nats?.inbox_prefix,
    requestTimeoutMs,
    name: opts.name ?? 'solo-sdk',
  };
}
