// The node's structured log (pino): one JSON object per line with `time`, `level`, `node_id` and `msg`, plus
// the facts of the record. Ids always appear as `tenant_id` / `service_id`, whatever key the caller used.
import { pino, stdTimeFunctions, type Logger } from 'pino';
import type { KernelLogger } from '@solo/kernel';
import type { NodeLogLevel } from './log-level.ts';

/** The node's logger: the kernel's interface with `debug` always present. */
export interface NodeLogger extends KernelLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createNodeLogger}. */
export interface NodeLoggerOptions {
  /** Lowest level written. */
  level: NodeLogLevel;
  /** Receives each record as one JSON line without its newline. @default nothing is written */
  sink?: ((line: string) => void) | undefined;
  /** The node id, read for each record (it is known only once LMDB is open). */
  nodeId: () => string;
}

// Callers that predate the log schema say `tenant` / `service`; records say `tenant_id` / `service_id`.
const RENAMED: Readonly<Record<string, string>> = { tenant: 'tenant_id', service: 'service_id' };

function normalise(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {};
  let out: Record<string, unknown> | null = null;
  for (const [from, to] of Object.entries(RENAMED)) {
    if (from in fields && !(to in fields)) {
      out ??= { ...fields };
      out[to] = out[from];
      delete out[from];
    }
  }
  return out ?? fields;
}

/** Creates the node's logger over pino. */
export function createNodeLogger(o: NodeLoggerOptions): NodeLogger {
  const sink = o.sink;
  const logger: Logger = pino(
    {
      level: sink ? o.level : 'silent',
      base: undefined,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => ({ node_id: o.nodeId() }),
    },
    { write: (chunk: string) => sink?.(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) },
  );
  return {
    debug: (m, f) => logger.debug(normalise(f), m),
    info: (m, f) => logger.info(normalise(f), m),
    warn: (m, f) => logger.warn(normalise(f), m),
    error: (m, f) => logger.error(normalise(f), m),
  };
}
