// How results, stream items, notes and errors are printed: human text, or one JSON document each with --json.
import { isSoloError, toWireError } from '@solo/protocol';
import type { WireError } from '@solo/protocol';
import type { CliContext } from './cli-context.ts';

/** The wire shape of an error raised anywhere in a CLI run. */
export function cliWireError(err: unknown): WireError {
  if (isSoloError(err)) return toWireError(err);
  // Not a Solo error: a bug in the CLI itself. Its message is local (no node involved), so show it.
  const why = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Unexpected error in the solo CLI: ${why}. Report it if it persists.` };
}

/** The printer of one CLI run. */
export class Output {
  readonly #ctx: CliContext;
  readonly json: boolean;

  constructor(ctx: CliContext, opts: { json: boolean }) {
    this.#ctx = ctx;
    this.json = opts.json;
  }

  /** Prints one result: `value` as a single JSON document with --json, else the text `human()` returns. */
  result(value: unknown, human: () => string): void {
    this.#ctx.stdout(`${this.json ? JSON.stringify(value) : human()}\n`);
  }

  /** Prints one item of a stream: an NDJSON line with --json, else one text line. */
  item(value: unknown, human: () => string): void {
    this.result(value, human);
  }

  /** A remark for a person (never part of the machine output): goes to stderr, and not at all with --json. */
  note(text: string): void {
    if (!this.json) this.#ctx.stderr(`${text}\n`);
  }

  /**
   * Prints an error: `error <code>: <message>` and its details on stderr, or with --json the wire shape
   * `{ ok: false, error }` on stdout, where a program reads the result it asked for.
   */
  error(err: unknown): void {
    const wire = cliWireError(err);
    if (this.json) {
      this.#ctx.stdout(`${JSON.stringify({ ok: false, error: wire })}\n`);
      return;
    }
    const lines = [`error ${wire.code}: ${wire.message}`];
    for (const [key, value] of Object.entries(wire.details ?? {})) {
      lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
    this.#ctx.stderr(`${lines.join('\n')}\n`);
  }
}
