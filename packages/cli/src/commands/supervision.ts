// `solo supervision`: shows the tenant's supervision policy, or changes the parts given by flags.
import type { Command } from 'commander';
import { ESCALATION_POLICIES, RESTART_STRATEGIES, type SupervisionRequest } from '@solo/protocol';
import { parseChoice } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';
import { formatSupervision } from '../supervision-format.ts';
import { addSupervisionFlags, parseSupervisionFlags, type SupervisionFlagValues } from '../supervision-flags.ts';

interface SupervisionOptions extends SupervisionFlagValues {
  strategy?: string;
  escalation?: string;
}

/** Registers `solo supervision`. */
export function registerSupervisionCommand(program: Command, run: CliRun): void {
  const cmd = program
    .command('supervision')
    .description("show the tenant's supervision policy, or change the parts given (the rest keep their value)")
    .option('--strategy <s>', `restart strategy: ${RESTART_STRATEGIES.join(', ')} (default one_for_one)`)
    .option(
      '--escalation <e>',
      `when a service exceeds its intensity: ${ESCALATION_POLICIES.join(', ')} (default mark_failed)`,
    );
  addSupervisionFlags(cmd, 'tenant default').action((o: SupervisionOptions, c: Command) =>
    runAction(run, c, {
      parse: () => {
        const req: SupervisionRequest = { ...parseSupervisionFlags(o) };
        const strategy = parseChoice(o.strategy, '--strategy', RESTART_STRATEGIES);
        const escalation = parseChoice(o.escalation, '--escalation', ESCALATION_POLICIES);
        if (strategy !== undefined) req.strategy = strategy;
        if (escalation !== undefined) req.escalation = escalation;
        return req;
      },
      run: async (req, g, out) => {
        const reply = await withClient(g, (client) => client.supervision(req));
        out.result(reply, () => formatSupervision(reply));
      },
    }),
  );
}
