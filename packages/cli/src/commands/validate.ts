// `solo validate <file>`: runs the node's static analysis on a service module without deploying it. Prints one
// line per finding (`file:line:col rule message (hint)`) and exits 1 when any finding is an error.
import type { Command } from 'commander';
import type { AnalysisFinding } from '@solo/sdk';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { EXIT_CODES } from '../cli-context.ts';
import { readSourceFile } from '../fs/read-source-file.ts';
import { withClient } from '../node-client.ts';

/** One finding as a line an editor can jump to; warnings are marked, errors are not. */
export function formatFinding(file: string, f: AnalysisFinding): string {
  return `${file}:${f.line}:${f.column} ${f.rule} ${f.message} (${f.hint})${f.severity === 'warning' ? ' [warning]' : ''}`;
}

/** The findings of one file, then a summary line. */
export function formatFindings(file: string, findings: readonly AnalysisFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const summary = findings.length === 0 ? `${file}: no findings` : `${file}: ${errors} error(s), ${warnings} warning(s)${errors > 0 ? '; deploy would refuse it (rejected_code)' : ''}`;
  return [...findings.map((f) => formatFinding(file, f)), summary].join('\n');
}

/** Registers `solo validate`. */
export function registerValidateCommand(program: Command, run: CliRun): void {
  program
    .command('validate')
    .description("check a service module with the node's static analysis, without deploying it (exit 1 on any error)")
    .argument('<file>', 'path of the service module')
    .action((file: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => readSourceFile(g.baseDir, file),
        run: async (src, g, out) => {
          const reply = await withClient(g, (client) => client.validate(src.source, src.filename));
          out.result({ file, ...reply }, () => formatFindings(file, reply.findings));
          if (!reply.valid) run.exitCode = EXIT_CODES.failed;
        },
      }),
    );
}
