// Prints a live tail until Ctrl-C, then stops it cleanly so the command exits 0.
import type { Follow } from '@solo/sdk';
import type { CliContext } from './cli-context.ts';
import { onInterrupt } from './interrupt.ts';
import type { Output } from './output.ts';

/** Prints each item of `follow` (NDJSON with --json) until a signal stops it or the connection ends. */
export async function printFollow<T>(
  ctx: CliContext,
  follow: Follow<T>,
  out: Output,
  human: (item: T) => string,
): Promise<void> {
  const off = onInterrupt(ctx, () => {
    // stop() never rejects; it ends the loop below once the node has been told.
    void follow.stop();
  });
  try {
    for await (const item of follow) out.item(item, () => human(item));
  } finally {
    off();
  }
}
