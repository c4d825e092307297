// A service's log level (the deploy option `log_level`): `ctx.log` lines below it never reach SOLO_LOGS.
// It travels in the `service_deployed` event as `options.log_level`, so replay restores it with the record.
import { SERVICE_LOG_LEVELS, type ServiceLogLevel } from '@solo/protocol';
import type { ServiceRecord } from './state/kernel-state.ts';

/** The level of a service that was deployed without one: everything is kept. */
export const DEFAULT_SERVICE_LOG_LEVEL: ServiceLogLevel = 'debug';

/** The key of the level in {@link ServiceRecord.options}. */
export const LOG_LEVEL_OPTION = 'log_level';

/** The log level a service record carries (the default when it has none or an unknown one). */
export function serviceLogLevel(record: Pick<ServiceRecord, 'options'>): ServiceLogLevel {
  const v = record.options[LOG_LEVEL_OPTION];
  return typeof v === 'string' && (SERVICE_LOG_LEVELS as readonly string[]).includes(v) ? (v as ServiceLogLevel) : DEFAULT_SERVICE_LOG_LEVEL;
}

/** Whether a line at `level` passes a service whose level is `min`. */
export function logLevelPasses(min: ServiceLogLevel, level: ServiceLogLevel): boolean {
  return SERVICE_LOG_LEVELS.indexOf(level) >= SERVICE_LOG_LEVELS.indexOf(min);
}
