// The shape check of a Solo credentials document (what `solo tenant create` writes and `--credentials` reads),
// run once wherever credentials enter: a file, or an object passed to connectSolo.
import { SoloError, TOKEN_PREFIX, isValidId } from '@solo/protocol';
import type { NatsCredentialsWire, SoloCredentials } from '@solo/protocol';

/** Value of the `kind` field of every credentials document. */
export const CREDENTIALS_KIND = 'solo-credentials';

/** An nkey user seed: `SU` and 56 base32 characters. */
const USER_SEED = /^SU[A-Z2-7]{56}$/;
/** An nkey user public key: `U` and 55 base32 characters. */
const USER_KEY = /^U[A-Z2-7]{55}$/;
/** An inbox prefix: subject tokens without wildcards or whitespace. */
const INBOX_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** True when `v` is an nkey user seed (`SU…`, 58 characters). */
export function isNkeyUserSeed(v: unknown): v is string {
  return typeof v === 'string' && USER_SEED.test(v);
}

/** True when `v` can prefix NATS inboxes (`_INBOX_acme`): subject tokens, no wildcard or whitespace. */
export function isInboxPrefix(v: unknown): v is string {
  return typeof v === 'string' && INBOX_PREFIX.test(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(source: string, problem: string): SoloError {
  // Never quote a field's value: a credentials document holds secrets.
  return new SoloError(
    'invalid_request',
    `${source} is not usable Solo credentials: ${problem}. Use the file \`solo tenant create\` wrote, unmodified.`,
    { details: { field: 'credentials' } },
  );
}

function natsOf(v: unknown, source: string): NatsCredentialsWire {
  if (!isRecord(v)) throw invalid(source, "'nats' is not an object {user, seed, inbox_prefix}");
  if (typeof v['user'] !== 'string' || !USER_KEY.test(v['user'])) throw invalid(source, "'nats.user' is not an nkey user public key (U…)");
  if (!isNkeyUserSeed(v['seed'])) throw invalid(source, "'nats.seed' is not an nkey user seed (SU…)");
  if (!isInboxPrefix(v['inbox_prefix'])) {
    throw invalid(source, "'nats.inbox_prefix' is not a subject prefix such as _INBOX_acme");
  }
  return { user: v['user'], seed: v['seed'] as string, inbox_prefix: v['inbox_prefix'] as string };
}

/**
 * Checks that `value` is a {@link SoloCredentials} document and returns a clean copy (unknown fields dropped).
 * `source` names where it came from, for the message (a path, or "Option credentials").
 * @throws `invalid_request` (details.field `credentials`) naming the first broken field, never its value
 */
export function parseSoloCredentials(value: unknown, source: string): SoloCredentials {
  if (!isRecord(value)) throw invalid(source, 'it is not a JSON object');
  if (value['kind'] !== CREDENTIALS_KIND) throw invalid(source, `'kind' is not '${CREDENTIALS_KIND}'`);
  if (value['version'] !== 1) throw invalid(source, `'version' ${JSON.stringify(value['version']) ?? 'is missing and'} is not 1 (a newer Solo wrote it?)`);
  const tenant = value['tenant'];
  if (tenant !== null && !isValidId(tenant)) throw invalid(source, "'tenant' is neither a tenant id nor null (the operator's)");
  const token = value['token'];
  if (typeof token !== 'string' || !token.startsWith(`${TOKEN_PREFIX}.`)) throw invalid(source, `'token' is missing or is not a Solo token (${TOKEN_PREFIX}.…)`);
  const creds: SoloCredentials = { kind: CREDENTIALS_KIND, version: 1, tenant, token };
  const url = value['nats_url'];
  if (url !== undefined) {
    if (typeof url !== 'string' || url.trim() === '') throw invalid(source, "'nats_url' is not a URL");
    creds.nats_url = url.trim();
  }
  if (value['nats'] !== undefined) creds.nats = natsOf(value['nats'], source);
  return creds;
}
