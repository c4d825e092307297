// Parsing of command-line values (JSON arguments, integer options); every failure is a usage error.
import { SoloError } from '@solo/protocol';
import type { Json } from '@solo/protocol';

/** Parses a JSON argument. @throws `invalid_request` quoting the argument and how to quote it for a shell */
export function parseJsonArgument(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new SoloError(
      'invalid_request',
      `The ${what} '${shown}' is not valid JSON (${(err as Error).message}). Quote it for your shell, e.g. '{"op":"inc"}' or '"text"'.`,
      {
        details: { field: what },
      },
    );
  }
}

/**
 * Parses an optional integer option.
 * @throws `invalid_request` naming the flag when the value is not an integer of at least `min`
 */
export function parseIntegerOption(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new SoloError('invalid_request', `${flag} must be an integer of at least ${min}, got '${value}'.`, {
      details: { field: flag },
    });
  }
  return n;
}

/** Checks that `value` is one of `allowed`. @throws `invalid_request` listing the allowed values */
export function parseChoice<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SoloError('invalid_request', `${flag} '${value}' is not one of: ${allowed.join(', ')}.`, {
    details: { field: flag },
  });
}

/**
 * Parses the --limit of a command that can also --follow.
 * @throws `invalid_request` for a bad number, or for --limit with --follow (a tail has no page)
 */
export function parsePageLimit(value: string | undefined, opts: { follow: boolean }): number | undefined {
  const limit = parseIntegerOption(value, '--limit', 1);
  if (limit !== undefined && opts.follow) {
    throw new SoloError(
      'invalid_request',
      '--limit does not apply with --follow, which runs until Ctrl-C. Use --since-seq to choose where the tail starts.',
      {
        details: { field: '--limit' },
      },
    );
  }
  return limit;
}
