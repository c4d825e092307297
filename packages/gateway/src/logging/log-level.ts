// The log level of a node (`solo up --log-level`, env SOLO_LOG_LEVEL): which of its own records it writes.
import { NODE_LOG_LEVELS, SoloError, type NodeLogLevel } from '@solo/protocol';

export { NODE_LOG_LEVELS, type NodeLogLevel };

/** The level a node logs at unless told otherwise. */
export const DEFAULT_NODE_LOG_LEVEL: NodeLogLevel = 'info';

/** Validates a node log level. @throws `invalid_request` naming `field` and the levels allowed */
export function parseNodeLogLevel(value: unknown, field = 'logLevel'): NodeLogLevel {
  if (typeof value === 'string' && (NODE_LOG_LEVELS as readonly string[]).includes(value)) return value as NodeLogLevel;
  throw new SoloError('invalid_request', `${field} '${String(value)}' is not a log level. Use one of: ${NODE_LOG_LEVELS.join(', ')}.`, {
    details: { field },
  });
}
