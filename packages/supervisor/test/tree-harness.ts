// A supervisor tree on a manual clock with a fixed random source, recording every action it emits.
import type { ExitReason, WireError } from '@solo/protocol';
import type { SupervisorAction, SupervisorTree } from '../src/index.ts';
import { createSupervisorTree } from '../src/index.ts';
import { ManualTimerClock } from './manual-timer-clock.ts';

export const CRASH_ERROR: WireError = { code: 'service_crashed', message: 'handler threw: boom' };
export const CRASH: ExitReason = { kind: 'crash', error: CRASH_ERROR };
export const NORMAL: ExitReason = { kind: 'normal' };
export const SHUTDOWN: ExitReason = { kind: 'shutdown' };

export interface Harness {
  tree: SupervisorTree;
  clock: ManualTimerClock;
  /** Every action so far, oldest first. */
  actions: SupervisorAction[];
  /** The actions since the last call, as compact strings ('start b#1', 'stop a sibling_restart', …). */
  take(): string[];
  /** Reports `started` for each service of the tenant. */
  started(tenant: string, ...services: string[]): void;
  /** Reports `stopped` for each service of the tenant. */
  stopped(tenant: string, ...services: string[]): void;
  exit(tenant: string, service: string, reason?: ExitReason): void;
}

export function describeAction(a: SupervisorAction): string {
  switch (a.type) {
    case 'start':
      return `start ${a.service}#${a.attempt}`;
    case 'stop':
      return `stop ${a.service} ${a.reason}`;
    case 'restart_scheduled':
      return `restart_scheduled ${a.service}#${a.attempt} ${a.delayMs}ms`;
    case 'failed':
      return `failed ${a.service}`;
    case 'escalated':
      return `escalated ${a.service} ${a.policy}`;
  }
}

export function createHarness(
  opts: { random?: () => number; onAction?: (a: SupervisorAction, h: Harness) => void } = {},
): Harness {
  const clock = new ManualTimerClock();
  const actions: SupervisorAction[] = [];
  let taken = 0;
  const harness: Harness = {
    tree: undefined as unknown as SupervisorTree,
    clock,
    actions,
    take() {
      const out = actions
        .slice(taken)
        .map((a) => (a.tenant === 'acme' ? describeAction(a) : `${a.tenant}: ${describeAction(a)}`));
      taken = actions.length;
      return out;
    },
    started(tenant, ...services) {
      for (const s of services) harness.tree.report(tenant, s, { type: 'started' });
    },
    stopped(tenant, ...services) {
      for (const s of services) harness.tree.report(tenant, s, { type: 'stopped' });
    },
    exit(tenant, service, reason = CRASH) {
      harness.tree.report(tenant, service, { type: 'exited', reason });
    },
  };
  harness.tree = createSupervisorTree({
    clock,
    random: opts.random ?? (() => 0.5),
    onAction: (a) => {
      actions.push(a);
      opts.onAction?.(a, harness);
    },
  });
  return harness;
}
