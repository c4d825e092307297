// Options of ProcessSandbox: how many sandbox host processes, how they are capped and how they are started.
import { isAbsolute } from 'node:path';
import { SoloError } from '@solo/protocol';
import { resolveIsolateSandboxOptions, type IsolateSandboxOptions } from '../isolate/isolate-sandbox.ts';
import { defaultBundleDir } from './host-bundle.ts';
import type { LaunchGuards } from './launch-command.ts';
import { NOBODY, type SandboxUser } from './launch-guards.ts';
import type { ProcessDeath } from './process-death.ts';

function isId(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2 ** 32 - 2;
}

/** Options of {@link ProcessSandbox}. */
export interface ProcessSandboxOptions {
  /**
   * Most sandbox host processes at once. Each tenant gets a process of its own until this many run; further
   * tenants share the running ones, round-robin. @default 16
   */
  maxProcesses?: number;
  /** V8 heap cap of each host process (`--max-old-space-size`, MiB); isolates have their own limits. @default 256 */
  maxOldSpaceMb?: number;
  /**
   * Base cap on each host process's private writable memory (RLIMIT_DATA via `prlimit`, MiB): it bounds what
   * isolate limits do not see, such as off-heap buffers. Each actor placed in the process adds its `memory_mb`
   * and 8 MiB (data-limit.ts). 0 turns it off, else at least 256 (an idle host process maps ~150 MiB); ignored
   * without `prlimit`. @default 2048
   */
  dataLimitMb?: number;
  /** Host processes started ahead of need, taken by the next new tenant (0 or 1). @default 1 */
  spareProcesses?: number;
  /** A host process with no actor for this long is ended (0: never). @default 60000 */
  idleProcessMs?: number;
  /** How long a host process may take to report ready. @default 15000 */
  startTimeoutMs?: number;
  /**
   * A request to a host process that is not answered this long after the service's limits (`wall_ms`) should
   * have ended it means the process stopped answering (a stuck or starved event loop): it is killed and its
   * actors crash. Generous, since one tenant's CPU-bound handlers delay the replies of its other actors. @default 30000
   */
  hangGraceMs?: number;
  /** How often host processes report heap sizes that changed (0: only with replies). @default 1000 */
  heapReportMs?: number;
  /** Serialization of the IPC channel. @default 'json' (faster than 'advanced' for actor-sized messages) */
  serialization?: 'json' | 'advanced';
  /** The node binary. @default process.execPath */
  execPath?: string;
  /**
   * Where the bundled host program is written (content-addressed, shared by the nodes of this user; 0755, the
   * program 0644). @default `<tmpdir>/solo-sandbox-host-<uid>`
   */
  bundleDir?: string;
  /**
   * The user host processes run as (`setpriv --reuid/--regid`), when the node runs as root and that user can
   * read the installation; null keeps the node's user. Ignored (null) when the node is not root. @default nobody (65534)
   */
  runAs?: SandboxUser | null;
  /** Give each host process an empty network namespace (`unshare --net`) when this machine allows it. @default true */
  isolateNetwork?: boolean;
  /** Told once, when the first host process is launched, which guards apply (e.g. to log them). @default undefined */
  onLaunch?: (guards: LaunchGuards) => void;
  /** Options of the IsolateSandbox inside each host process. @default {} */
  isolate?: Omit<IsolateSandboxOptions, 'onCatastrophicError'>;
  /** Told when a host process ends on its own (crash, kill, out of memory), e.g. to log it. @default undefined */
  onProcessExit?: (death: ProcessDeath & { tenants: string[] }) => void;
}

/** {@link ProcessSandboxOptions} with defaults applied. */
export interface ResolvedProcessSandboxOptions {
  maxProcesses: number;
  maxOldSpaceMb: number;
  dataLimitMb: number;
  spareProcesses: number;
  idleProcessMs: number;
  startTimeoutMs: number;
  hangGraceMs: number;
  heapReportMs: number;
  serialization: 'json' | 'advanced';
  execPath: string;
  bundleDir: string;
  runAs: SandboxUser | null;
  isolateNetwork: boolean;
  onLaunch: ((guards: LaunchGuards) => void) | undefined;
  isolate: Omit<IsolateSandboxOptions, 'onCatastrophicError'>;
  onProcessExit: ((death: ProcessDeath & { tenants: string[] }) => void) | undefined;
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new SoloError('invalid_request', `${name} must be an integer from ${min} to ${max}, got ${String(value)}.`, {
      details: { field: name },
    });
  }
  return v;
}

/**
 * Validates the options of {@link ProcessSandbox}.
 * @throws `invalid_request` on an out-of-range number, an unknown serialization or bad isolate options.
 */
export function resolveProcessSandboxOptions(opts: ProcessSandboxOptions = {}): ResolvedProcessSandboxOptions {
  const serialization = opts.serialization ?? 'json';
  if (serialization !== 'json' && serialization !== 'advanced') {
    throw new SoloError(
      'invalid_request',
      `serialization must be 'json' or 'advanced', got ${JSON.stringify(serialization)}.`,
      { details: { field: 'serialization' } },
    );
  }
  if (opts.bundleDir !== undefined && (typeof opts.bundleDir !== 'string' || !isAbsolute(opts.bundleDir))) {
    throw new SoloError('invalid_request', `bundleDir must be an absolute directory path, got ${JSON.stringify(opts.bundleDir)}.`, { details: { field: 'bundleDir' } });
  }
  const runAs = opts.runAs === undefined ? NOBODY : opts.runAs;
  if (runAs !== null && (typeof runAs !== 'object' || !isId(runAs.uid) || !isId(runAs.gid))) {
    throw new SoloError('invalid_request', `runAs must be { uid, gid } with integers from 1 to 2^32-2, or null; got ${JSON.stringify(opts.runAs)}.`, { details: { field: 'runAs' } });
  }
  if (opts.isolateNetwork !== undefined && typeof opts.isolateNetwork !== 'boolean') {
    throw new SoloError('invalid_request', `isolateNetwork must be a boolean, got ${JSON.stringify(opts.isolateNetwork)}.`, { details: { field: 'isolateNetwork' } });
  }
  const isolate = opts.isolate ?? {};
  resolveIsolateSandboxOptions(isolate);
  return {
    maxProcesses: integer('maxProcesses', opts.maxProcesses, 16, 1, 1024),
    maxOldSpaceMb: integer('maxOldSpaceMb', opts.maxOldSpaceMb, 256, 16, 65536),
    dataLimitMb: opts.dataLimitMb === 0 ? 0 : integer('dataLimitMb', opts.dataLimitMb, 2048, 256, 1 << 20),
    spareProcesses: integer('spareProcesses', opts.spareProcesses, 1, 0, 1),
    idleProcessMs: integer('idleProcessMs', opts.idleProcessMs, 60_000, 0, 2 ** 31 - 1),
    startTimeoutMs: integer('startTimeoutMs', opts.startTimeoutMs, 15_000, 1, 600_000),
    hangGraceMs: integer('hangGraceMs', opts.hangGraceMs, 30_000, 1, 2 ** 31 - 1),
    heapReportMs: integer('heapReportMs', opts.heapReportMs, 1000, 0, 2 ** 31 - 1),
    serialization,
    execPath: opts.execPath ?? process.execPath,
    bundleDir: opts.bundleDir ?? defaultBundleDir(),
    // Only root can switch users.
    runAs: process.getuid?.() === 0 ? runAs : null,
    isolateNetwork: opts.isolateNetwork ?? true,
    onLaunch: opts.onLaunch,
    isolate,
    onProcessExit: opts.onProcessExit,
  };
}
