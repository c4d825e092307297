// `solo deploy <file>`: compiles and starts (or redeploys) a service from a TypeScript/JavaScript module.
import type { Command } from 'commander';
import { RESTART_TYPES, SERVICE_LOG_LEVELS, SoloError, isValidId, parseServiceId } from '@solo/protocol';
import type { DeployRequest, ServiceLimits } from '@solo/protocol';
import { parseChoice, parseIntegerOption, parseJsonArgument } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { readSourceFile } from '../fs/read-source-file.ts';
import { withClient } from '../node-client.ts';
import { addSupervisionFlags, parseSupervisionFlags, type SupervisionFlagValues } from '../supervision-flags.ts';
import { renderFields } from '../text-layout.ts';

interface DeployOptions extends SupervisionFlagValues {
  restart?: string;
  maxCastAttempts?: string;
  serviceId?: string;
  memoryMb?: string;
  cpuMs?: string;
  wallMs?: string;
  mailboxLen?: string;
  maxMessageBytes?: string;
  maxReplyBytes?: string;
  maxTimers?: string;
  maxEventBytes?: string;
  maxEventsPerSecond?: string;
  maxLogLinesPerSecond?: string;
  circuitCrashes?: string;
  args?: string;
  logLevel?: string;
  durable?: boolean;
}

function parseLimits(o: DeployOptions): ServiceLimits | undefined {
  const limits: ServiceLimits = {};
  const memory = parseIntegerOption(o.memoryMb, '--memory-mb', 1);
  const cpu = parseIntegerOption(o.cpuMs, '--cpu-ms', 1);
  const wall = parseIntegerOption(o.wallMs, '--wall-ms', 1);
  if (memory !== undefined) limits.memory_mb = memory;
  if (cpu !== undefined) limits.cpu_ms = cpu;
  if (wall !== undefined) limits.wall_ms = wall;
  // Bounds are the node's (SERVICE_LIMITS): it refuses an out-of-range value with invalid_request naming it.
  const more: Array<[string | undefined, string, Exclude<keyof ServiceLimits, 'memory_mb' | 'cpu_ms' | 'wall_ms'>, number]> = [
    [o.mailboxLen, '--mailbox-len', 'mailbox_len', 1],
    [o.maxMessageBytes, '--max-message-bytes', 'max_message_bytes', 1],
    [o.maxReplyBytes, '--max-reply-bytes', 'max_reply_bytes', 1],
    [o.maxTimers, '--max-timers', 'max_timers', 1],
    [o.maxEventBytes, '--max-event-bytes', 'max_event_bytes', 1],
    [o.maxEventsPerSecond, '--max-events-per-second', 'max_events_per_second', 1],
    [o.maxLogLinesPerSecond, '--max-log-lines-per-second', 'max_log_lines_per_second', 1],
    [o.circuitCrashes, '--circuit-crashes', 'circuit_crashes', 0],
  ];
  for (const [text, flag, field, min] of more) {
    const v = parseIntegerOption(text, flag, min);
    if (v !== undefined) limits[field] = v;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** Registers `solo deploy`. */
export function registerDeployCommand(program: Command, run: CliRun): void {
  const cmd = program
    .command('deploy')
    .description('deploy a service from a .ts or .js module (an id that is deployed is refused: kill it first)')
    .argument('<file>', 'path of the service module')
    .option('--service-id <id>', 'service id (default: the file name without extension, lower-cased)')
    .option('--memory-mb <n>', 'isolate heap limit in MiB (node default 32)')
    .option('--cpu-ms <n>', 'CPU time per handler invocation in ms (node default 1000)')
    .option('--wall-ms <n>', 'wall-clock time per handler invocation in ms (node default 5000)')
    .option('--mailbox-len <n>', 'messages that may wait for the actor; more get limit_exceeded (node default 1000)')
    .option('--max-message-bytes <n>', 'largest call or cast message, JSON bytes (node default 1 MiB)')
    .option('--max-reply-bytes <n>', 'largest reply, JSON bytes (node default 1 MiB)')
    .option('--max-timers <n>', 'pending timers per actor (node default 1000)')
    .option('--max-event-bytes <n>', 'largest ctx.emit event, type and payload as JSON bytes (node default 64 KiB, at most 1 MiB)')
    .option('--max-events-per-second <n>', 'ctx.emit calls per second; more throw limit_exceeded (node default 100)')
    .option('--max-log-lines-per-second <n>', 'ctx.log lines per second; more are dropped and counted (node default 200)')
    .option('--circuit-crashes <n>', 'crashes within the window that open the circuit breaker; 0 turns it off (node default 5)')
    .option('--args <json>', 'JSON argument passed to init (default null)')
    .option(
      '--log-level <level>',
      `drop ctx.log lines below this level: ${SERVICE_LOG_LEVELS.join(', ')} (default debug)`,
    )
    .option('--restart <type>', `restart type under the supervisor: ${RESTART_TYPES.join(', ')} (default permanent)`)
    .option('--max-cast-attempts <n>', 'crashes a cast may cause before it is dead-lettered (default 3)')
    .option('--durable', 'snapshot the state after every message: it survives crashes and restarts of the node');
  addSupervisionFlags(cmd, 'this service; default: the tenant policy').action(
    (file: string, o: DeployOptions, c: Command) =>
      runAction(run, c, {
        parse: (g) => {
          const limits = parseLimits(o);
          const args = o.args === undefined ? undefined : parseJsonArgument(o.args, '--args value');
          const src = readSourceFile(g.baseDir, file);
          if (o.serviceId === undefined && !isValidId(src.stem)) {
            throw new SoloError(
              'invalid_request',
              `The file name '${src.filename}' does not make a valid service id ('${src.stem}'). Pass one with --service-id, e.g. --service-id my-service.`,
              {
                details: { field: 'service_id' },
              },
            );
          }
          const req: DeployRequest = {
            service_id: parseServiceId(o.serviceId ?? src.stem),
            source: src.source,
            filename: src.filename,
          };
          if (args !== undefined) req.args = args;
          if (limits !== undefined) req.limits = limits;
          const logLevel = parseChoice(o.logLevel, '--log-level', SERVICE_LOG_LEVELS);
          if (logLevel !== undefined) req.log_level = logLevel;
          const restart = parseChoice(o.restart, '--restart', RESTART_TYPES);
          if (restart !== undefined) req.restart = restart;
          const maxCastAttempts = parseIntegerOption(o.maxCastAttempts, '--max-cast-attempts', 1);
          if (maxCastAttempts !== undefined) req.max_cast_attempts = maxCastAttempts;
          Object.assign(req, parseSupervisionFlags(o));
          if (o.durable === true) req.durable = true;
          return req;
        },
        run: async (req, g, out) => {
          const reply = await withClient(g, (client) => client.deploy(req));
          out.result(reply, () =>
            renderFields([
              ['deployed', `${reply.service_id} (tenant ${reply.tenant})`],
              ['version', `${reply.version}${reply.code_version === null ? '' : ` (code ${reply.code_version})`}`],
              ['artifact', reply.artifact_hash],
              ['took', `${reply.duration_ms} ms`],
            ]),
          );
        },
      }),
  );
}
