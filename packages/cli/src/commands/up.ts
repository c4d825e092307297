// `solo up`: starts a node in this process (embedded nats-server unless --nats) and runs it until Ctrl-C.
import type { Command } from 'commander';
import type { NodeInfo } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { onInterrupt } from '../interrupt.ts';
import { renderFields } from '../text-layout.ts';

function formatNodeInfo(info: NodeInfo): string {
  const nats = info.embedded_nats
    ? `${info.nats_url} (embedded nats-server, pid ${info.nats_pid ?? '?'})`
    : `${info.nats_url} (external)`;
  return renderFields([
    ['node', `${info.node_id} is up`],
    ['nats', nats],
    ['data dir', info.data_dir],
    ['pid', String(info.pid)],
    ['started at', info.started_at],
  ]);
}

/** Registers `solo up`. */
export function registerUpCommand(program: Command, run: CliRun): void {
  program
    .command('up')
    .description('start a Solo node: runs until Ctrl-C (or SIGTERM), then drains and exits 0')
    .action((_o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => ({ dataDir: g.dataDir, natsUrl: g.natsUrl }),
        run: async (input, _g, out) => {
          // Loaded only here: the kernel brings LMDB, isolates and nats-server, which no client command needs.
          const { startNode } = await import('@solo/gateway');
          const opts: { dataDir: string; natsUrl?: string; log: (line: string) => void } = {
            dataDir: input.dataDir,
            log: (line: string) => run.ctx.stderr(`${line}\n`),
          };
          if (input.natsUrl !== undefined) opts.natsUrl = input.natsUrl;
          const node = await startNode(opts);
          out.result(node.info, () => formatNodeInfo(node.info));
          out.note('Press Ctrl-C to stop.');
          let off = (): void => undefined;
          const stopped = new Promise<void>((resolve, reject) => {
            off = onInterrupt(run.ctx, (signal) => {
              out.note(`${signal}: stopping the node…`);
              node.stop().then(resolve, reject);
            });
          });
          try {
            await Promise.race([node.closed, stopped]);
          } finally {
            off();
          }
          out.note('Node stopped.');
        },
      }),
    );
}
