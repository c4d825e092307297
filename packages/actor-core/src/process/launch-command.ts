// The command line of a sandbox host process: node with its heap cap and `--no-node-snapshot` (isolated-vm 5 on
// Node 20 needs it), running the bundled host program (host-bundle.ts), wrapped so that it
// - cannot grow without bound outside V8's heap (`prlimit --data`) and dumps no core when it aborts
//   (`prlimit --core=0`: a fatal out-of-memory aborts it, and writing a core of a process holding hundreds of MiB
//   would delay the death its actors are waiting to hear of, and litter the working directory);
// - has no network (`unshare --net`: an empty network namespace; it talks to the kernel only over the
//   descriptors it inherits, so even a process taken over by escaped code reaches no NATS subject, database or
//   other service);
// - runs as an unprivileged user when the node runs as root (`setpriv --reuid`), can never gain privileges
//   (`--no-new-privs`) and cannot outlive the kernel's process (`--pdeathsig KILL`).
// Each guard is applied when this machine allows it; `guards` says which were.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { canUnshareNetwork, findProgram, firstUnreachable, type SandboxUser } from './launch-guards.ts';
import type { ResolvedProcessSandboxOptions } from './process-sandbox-options.ts';

/** Which guards a host process runs under. */
export interface LaunchGuards {
  /** Killed when the kernel's process dies (setpriv --pdeathsig). */
  deathSignal: boolean;
  /** RLIMIT_DATA set (prlimit --data). */
  dataLimit: boolean;
  /** No core dumps (prlimit --core=0). */
  noCoreDump: boolean;
  /** Its own empty network namespace (unshare --net). */
  noNetwork: boolean;
  /** The user it runs as, when switched (setpriv --reuid); null: the node's own user. */
  user: SandboxUser | null;
  /** Why a guard asked for could not be applied (empty when all were). */
  missing: string[];
}

/** The program fork runs and the arguments before the entry module (the bundled host program). */
export interface LaunchCommand {
  command: string;
  args: string[];
  guards: LaunchGuards;
  /** The base data limit of a started process and the prlimit that raises it as actors come; null without one. */
  dataLimit: { prlimit: string; baseMb: number } | null;
}

/** The files a host process reads besides its program: isolated-vm's module and native addon. */
function isolatedVmFiles(): string[] {
  const main = createRequire(import.meta.url).resolve('isolated-vm');
  return [main, join(dirname(main), 'out', 'isolated_vm.node')];
}

/** Builds the launch command of host processes running `entry`; looks the wrappers up on PATH. */
export function buildLaunchCommand(o: ResolvedProcessSandboxOptions, entry: string): LaunchCommand {
  const node = [o.execPath, '--no-node-snapshot', `--max-old-space-size=${o.maxOldSpaceMb}`];
  const missing: string[] = [];
  const wrappers: string[] = [];
  const prlimit = findProgram('prlimit');
  // The soft limit is the cap; the hard one stays open so that the process can raise the soft one as actors come
  // (data-limit.ts).
  const base = o.dataLimitMb * 1024 * 1024;
  if (prlimit !== null) wrappers.push(prlimit, '--core=0', ...(o.dataLimitMb > 0 ? [`--data=${base}:unlimited`] : []), '--');
  else missing.push('prlimit is not installed (util-linux): no data limit, core dumps as the system decides');

  let noNetwork = false;
  if (o.isolateNetwork) {
    const unshare = findProgram('unshare');
    if (unshare !== null && canUnshareNetwork(unshare)) {
      wrappers.push(unshare, '--net', '--');
      noNetwork = true;
    } else missing.push(unshare === null ? 'unshare is not installed (util-linux): host processes keep the network' : 'unshare --net is not permitted here (needs root or user namespaces): host processes keep the network');
  }

  let user: SandboxUser | null = null;
  if (o.runAs !== null) {
    // Every file the process needs must be reachable by that user, or it could not even start.
    const blocked = firstUnreachable([{ path: entry }, { path: o.execPath, exec: true }, ...isolatedVmFiles().map((path) => ({ path }))]);
    if (blocked === null) user = o.runAs;
    else missing.push(`host processes keep the node's user: uid ${o.runAs.uid} cannot read ${blocked} (make the installation world-readable to switch)`);
  }

  // Without setpriv, the host's 'disconnect' handler is the only guard against outliving the kernel, and it runs
  // only once the host's event loop is free (not while an isolate spins in a synchronous handler).
  const setpriv = findProgram('setpriv');
  if (setpriv !== null) {
    const drop = user === null ? [] : ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups'];
    wrappers.push(setpriv, '--pdeathsig', 'KILL', '--no-new-privs', ...drop, '--');
  } else {
    missing.push('setpriv is not installed (util-linux): host processes may outlive a killed node and keep its user');
    user = null;
  }
  const [command, ...args] = [...wrappers, ...node] as [string, ...string[]];
  return {
    command,
    args,
    dataLimit: prlimit !== null && o.dataLimitMb > 0 ? { prlimit, baseMb: o.dataLimitMb } : null,
    guards: { deathSignal: setpriv !== null, dataLimit: prlimit !== null && o.dataLimitMb > 0, noCoreDump: prlimit !== null, noNetwork, user, missing },
  };
}
