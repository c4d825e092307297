// What the CLI needs from its process, passed in so that only main.ts touches `process`.

/** A signal the CLI reacts to: Ctrl-C or a polite kill. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The process-facing side of one CLI run. */
export interface CliContext {
  /** Environment variables (SOLO_TENANT, SOLO_NATS_URL, SOLO_DATA_DIR, SOLO_TOKEN, INIT_CWD…). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory of the process. */
  readonly cwd: string;
  /** Writes to standard output: results only, so that it can be piped. */
  stdout(text: string): void;
  /** Writes to standard error: errors, notes and node logs. */
  stderr(text: string): void;
  /** Whether standard error is a terminal (node logs are then rendered for people). @default false */
  readonly stderrIsTTY?: boolean;
  /** Calls `handler` on SIGINT and SIGTERM until the returned function is called. */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /**
   * Reads standard input to its end (e.g. `solo secrets set` reads the value there, out of shell history).
   * @default absent: commands that need stdin ask for a flag instead
   */
  readStdin?(): Promise<string>;
  /** Ends the process at once with `code`, skipping any cleanup still pending. */
  exit(code: number): never;
}

/** Exit codes of `solo`. */
export const EXIT_CODES = {
  ok: 0,
  /** The command ran and failed (the node refused, nothing answered…). */
  failed: 1,
  /** The command line itself is wrong: unknown option, missing argument, invalid JSON or id. */
  usage: 2,
} as const;
