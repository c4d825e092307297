// Translates errors thrown by lmdb into SoloError, so no code above src/lmdb/ sees a raw LMDB error.
import { SoloError } from '@solo/protocol';

/** Wraps `err` in SoloError('internal') whose message starts with `action`; a SoloError passes through unchanged. */
export function toLmdbError(err: unknown, action: string): SoloError {
  if (err instanceof SoloError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new SoloError('internal', `${action} failed in the local store: ${reason}. Check the data directory's disk space and permissions.`, {
    cause: err,
  });
}

/** Runs a synchronous LMDB call, wrapping what it throws. */
export function lmdbSync<T>(action: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toLmdbError(err, action);
  }
}
