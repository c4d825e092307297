// Options of connectSolo, validated once before any connection is opened.
import { SoloError, parseTenantId } from '@solo/protocol';
import type { TenantId } from '@solo/protocol';

/** Options of `connectSolo`. */
export interface SoloClientOptions {
  /** URL of the NATS server (or cluster member) the Solo node listens on, e.g. `nats://127.0.0.1:4222`. */
  natsUrl: string;
  /** The tenant every request acts for. */
  tenant: string;
  /** Capability token sent with every request (header `Solo-Token`). @default none */
  token?: string;
  /** Deadline of each control-plane request and of the initial connection, in ms. @default 10000 */
  requestTimeoutMs?: number;
  /** Connection name shown by NATS monitoring. @default 'solo-sdk' */
  name?: string;
}

/** {@link SoloClientOptions} with every default applied and every id validated. */
export interface ResolvedSoloClientOptions {
  natsUrl: string;
  tenant: TenantId;
  token: string | undefined;
  requestTimeoutMs: number;
  name: string;
}

/** Default of {@link SoloClientOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Validates the options of `connectSolo`. @throws `invalid_request` naming the offending option. */
export function resolveClientOptions(opts: SoloClientOptions): ResolvedSoloClientOptions {
  if (typeof opts.natsUrl !== 'string' || opts.natsUrl.trim() === '') {
    throw new SoloError(
      'invalid_request',
      'Option natsUrl is empty. Pass the NATS URL of a running Solo node, e.g. nats://127.0.0.1:4222 (see `solo up`).',
      {
        details: { field: 'natsUrl' },
      },
    );
  }
  const tenant = parseTenantId(opts.tenant);
  const requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  checkTimeout(requestTimeoutMs, 'requestTimeoutMs');
  if (opts.token !== undefined && (typeof opts.token !== 'string' || opts.token === '')) {
    throw new SoloError('invalid_request', 'Option token is empty. Pass a token issued by Solo, or omit the option.', {
      details: { field: 'token' },
    });
  }
  return { natsUrl: opts.natsUrl.trim(), tenant, token: opts.token, requestTimeoutMs, name: opts.name ?? 'solo-sdk' };
}

/** Checks a caller-supplied deadline. @throws `invalid_request` unless it is a positive integer of ms. */
export function checkTimeout(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new SoloError(
      'invalid_request',
      `Option ${field} must be a positive integer number of milliseconds, got ${JSON.stringify(value) ?? String(value)}.`,
      {
        details: { field },
      },
    );
  }
  return value;
}
