// Parsing of the security commands' flags: permission and service lists, token lifetimes (`90s`, `15m`, `2h`,
// `7d`), rates (`10` or `10:20`) and tenant limits. Every failure is `invalid_request` naming the flag.
import { SoloError, checkPermissions, checkRateLimit, checkServicePatterns } from '@solo/protocol';
import type { Permission, TenantLimits, TokenRateLimit } from '@solo/protocol';
import { parseIntegerOption } from './argument-parsing.ts';

/** Appends a repeatable flag's value (commander's collector). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

function rethrowAs(flag: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof SoloError) throw new SoloError(err.code, `${flag}: ${err.message}`, { details: { ...err.details, field: flag } });
    throw err;
  }
}

/** Splits repeated, comma-separated values (`--perm deploy,call --perm status`) into one list. */
export function splitList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** Parses `--perm` values. @throws `invalid_request` for none, or naming an unknown permission */
export function parsePermissionFlags(values: readonly string[], flag = '--perm'): Permission[] {
  const list = splitList(values);
  let perms: Permission[] = [];
  rethrowAs(flag, () => (perms = checkPermissions(list, 'permissions')));
  return perms;
}

/** Parses `--service` patterns (`api-*`, `billing`, `*`); undefined when none were given. @throws `invalid_request` */
export function parseServiceFlags(values: readonly string[], flag = '--service'): string[] | undefined {
  const list = splitList(values);
  if (list.length === 0) return undefined;
  let patterns: string[] = [];
  rethrowAs(flag, () => (patterns = checkServicePatterns(list, 'services')));
  return patterns;
}

const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a lifetime such as `90s`, `15m`, `2h` or `7d` into seconds; `0` means no expiry when `allowZero`.
 * A unit is required, so `--ttl 60` cannot be read as minutes by one person and seconds by another.
 * @throws `invalid_request` naming the flag
 */
export function parseTtlFlag(value: string | undefined, flag: string, opts: { allowZero: boolean }): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (opts.allowZero && text === '0') return 0;
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  const seconds = m ? Number(m[1]) * (UNIT_S[m[2] as string] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new SoloError(
      'invalid_request',
      `${flag} must be a lifetime such as 90s, 15m, 2h or 7d${opts.allowZero ? ' (0 for no expiry)' : ''}, got '${value}'.`,
      { details: { field: flag } },
    );
  }
  return seconds;
}

/**
 * Parses a rate `RPS[:BURST]`: requests per second (a positive number) and the burst above it (an integer;
 * default: RPS rounded up). @throws `invalid_request` naming the flag
 */
export function parseRateFlag(value: string | undefined, flag = '--rate'): TokenRateLimit | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(value.trim());
  if (!m) {
    throw new SoloError('invalid_request', `${flag} must be RPS or RPS:BURST, e.g. 10 or 10:20, got '${value}'.`, { details: { field: flag } });
  }
  const rps = Number(m[1]);
  const rate = { requests_per_second: rps, burst: m[2] === undefined ? Math.max(1, Math.ceil(rps)) : Number(m[2]) };
  let checked: TokenRateLimit = rate;
  rethrowAs(flag, () => (checked = checkRateLimit(rate, 'rate')));
  return checked;
}

/** The tenant limit flags of `solo tenant create` and `set-limits`. */
export interface TenantLimitFlagValues {
  maxServices?: string;
  maxMemoryMb?: string;
  rate?: string;
}

/** Parses the tenant limit flags; undefined when none was given. @throws `invalid_request` naming the flag */
export function parseTenantLimitFlags(o: TenantLimitFlagValues): TenantLimits | undefined {
  const limits: TenantLimits = {};
  const services = parseIntegerOption(o.maxServices, '--max-services', 0);
  const memory = parseIntegerOption(o.maxMemoryMb, '--max-memory-mb', 0);
  const rate = parseRateFlag(o.rate);
  if (services !== undefined) limits.max_services = services;
  if (memory !== undefined) limits.max_memory_mb = memory;
  if (rate !== undefined) limits.rate = rate;
  return Object.keys(limits).length > 0 ? limits : undefined;
}
