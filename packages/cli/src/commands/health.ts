// `solo health`: whether the node is ready, and how many services run.
import type { Command } from 'commander';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { formatDuration } from '../human-units.ts';
import { withClient } from '../node-client.ts';
import { renderFields } from '../text-layout.ts';

/** Registers `solo health`. */
export function registerHealthCommand(program: Command, run: CliRun): void {
  program
    .command('health')
    .description('show whether the node is ready and count its services by state')
    .action((_o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => null,
        run: async (_input, g, out) => {
          const h = await withClient(g, (client) => client.health());
          out.result(h, () =>
            renderFields([
              ['status', h.status],
              ['node', h.node_id],
              ['version', h.version],
              ['uptime', formatDuration(h.uptime_ms)],
              [
                'services',
                `${h.services.running} running, ${h.services.restarting} restarting, ${h.services.failed} failed, ${h.services.total} total`,
              ],
              [
                'recovery',
                h.recovery == null
                  ? 'not completed yet'
                  : `${h.recovery.started} started, ${h.recovery.failed} failed in ${formatDuration(Math.round(h.recovery.duration_ms))}; ` +
                    `replayed ${h.recovery.replayed_events} events after ${h.recovery.checkpoint_seq === 0 ? 'no checkpoint' : `checkpoint ${h.recovery.checkpoint_seq}`}` +
                    (h.recovery.rejected_checkpoints > 0 ? ` (${h.recovery.rejected_checkpoints} checkpoint(s) rejected)` : ''),
              ],
            ]),
          );
        },
      }),
    );
}
