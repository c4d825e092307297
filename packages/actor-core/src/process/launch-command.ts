// The command line of a sandbox host process: node with its heap cap and `--no-node-snapshot` (isolated-vm 5 on
// Node 20 needs it), running the bundled host program (host-bundle.ts), wrapped so that it cannot outlive the kernel's process
// (`setpriv --pdeathsig KILL`) nor grow without bound outside V8's heap (`prlimit --data`), and dumps no core
// when it aborts (`prlimit --core=0`: a fatal out-of-memory aborts it, and writing a core of a process holding
// hundreds of MiB would delay the death its actors are waiting to hear of, and litter the working directory).
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ResolvedProcessSandboxOptions } from './process-sandbox-options.ts';

/** The program fork runs and the arguments before the entry module (the bundled host program). */
export interface LaunchCommand {
  command: string;
  args: string[];
  /** Which guards could be applied (the tools are missing on some systems). */
  guards: { deathSignal: boolean; dataLimit: boolean; noCoreDump: boolean };
}

function findProgram(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** Builds the launch command for the given options; looks the wrappers up on PATH. */
export function buildLaunchCommand(o: ResolvedProcessSandboxOptions): LaunchCommand {
  const node = [o.execPath, '--no-node-snapshot', `--max-old-space-size=${o.maxOldSpaceMb}`];
  const wrappers: string[] = [];
  const prlimit = findProgram('prlimit');
  if (prlimit !== null)
    wrappers.push(prlimit, '--core=0', ...(o.dataLimitMb > 0 ? [`--data=${o.dataLimitMb * 1024 * 1024}`] : []), '--');
  // Without setpriv, the host's 'disconnect' handler is the only guard, and it runs only once the host's
  // event loop is free (not while an isolate spins in a synchronous handler).
  const setpriv = findProgram('setpriv');
  if (setpriv !== null) wrappers.push(setpriv, '--pdeathsig', 'KILL', '--');
  const [command, ...args] = [...wrappers, ...node] as [string, ...string[]];
  return {
    command,
    args,
    guards: {
      deathSignal: setpriv !== null,
      dataLimit: prlimit !== null && o.dataLimitMb > 0,
      noCoreDump: prlimit !== null,
    },
  };
}
