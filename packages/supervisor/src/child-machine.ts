// The child machine: the lifecycle of one actor under its tenant supervisor. It takes the restart
// decision for its own exits (restart type, intensity, backoff) and waits for its tenant's go to start.
//
// States
//   starting    the first start was asked of the kernel (entry emits `start`, attempt 0)
//   running     the incarnation is up
//   crashed     the incarnation exited (any reason); passed through while the decision is applied
//   backoff     down and due to start again: `scheduled` (entered after its own exit, emits
//               `restart_scheduled`), `waiting` out the backoff delay, then `ready` for the tenant's go
//               (the tenant waits until every sibling its strategy restarts is ready too)
//   restarting  a restart was asked of the kernel (entry emits `start`)
//   stopping    a stop is under way: a kill, a sibling's restart or an escalation
//   stopped     down for good: its restart type said no, or it was killed or stopped by escalation
//   failed      down for good: restart intensity exceeded (entry emits `failed`, tells the tenant)
//
// Events
//   fact.started         starting | restarting → running
//   fact.start_failed    starting | restarting → crashed;  stopping → as fact.stopped
//   fact.exited          starting | running | restarting → crashed;  stopping: recorded only
//   fact.stop_requested  starting | running | restarting → stopping (kill);  backoff → stopped
//   fact.stopped         stopping → backoff.ready (stopped for a sibling) | stopped;  live states → stopped
//   supervisor.stop      starting | running | restarting → stopping (emits `stop`);  backoff → stopped (escalation)
//   supervisor.restart   backoff.ready → restarting
//   supervisor.policy    any state: new intensity and backoff from the tenant's policy
//   supervisor.backoff_elapsed  backoff.waiting → backoff.ready (the delayed notice relayed by the tenant)
import type { ExitReason, WireError } from '@solo/protocol';
import { assign, cancel, sendParent, setup } from 'xstate';
import type { ResolvedBackoffPolicy } from './backoff.ts';
import type { ChildSpec } from './child-spec.ts';
import { resolveChildPolicy } from './child-spec.ts';
import type { RestartDecision } from './restart-decision.ts';
import { decideRestart } from './restart-decision.ts';
import type { RestartIntensity } from './restart-intensity.ts';
import type { ChildEvent, ChildNoticeEvent } from './supervisor-events.ts';
import type { StopReason, SupervisorAction } from './supervisor-action.ts';
import type { TenantPolicy } from './tenant-policy.ts';

/** What a child machine is spawned with. */
export interface ChildInput {
  tenant: string;
  service: string;
  spec: ChildSpec;
  policy: TenantPolicy;
}

/** The context of a child machine. */
export interface ChildContext {
  tenant: string;
  service: string;
  spec: ChildSpec;
  intensity: RestartIntensity;
  backoff: ResolvedBackoffPolicy;
  /** Restart times (ms) inside the intensity window. */
  history: number[];
  decision: RestartDecision | null;
  /** Attempt of the child's own pending restart; 0 while it waits only because a sibling restarts. */
  attempt: number;
  /** Restarts made since the child was added. */
  restarts: number;
  lastExit: ExitReason | null;
  lastExitAt: number | null;
  lastCrash: { at: number; error: WireError } | null;
  stopReason: StopReason | 'kill' | null;
}

function exitOf(event: ChildEvent): { reason: ExitReason; at: number; random: number } | null {
  if (event.type === 'fact.exited') return { reason: event.reason, at: event.at, random: event.random };
  if (event.type === 'fact.start_failed')
    return { reason: { kind: 'crash', error: event.error }, at: event.at, random: event.random };
  return null;
}

function restartDelay(decision: RestartDecision | null): number | null {
  return decision?.kind === 'restart' ? decision.delayMs : null;
}

function notice(event: ChildNoticeEvent): ChildNoticeEvent {
  return event;
}

type ActionArgs = { context: ChildContext; event: ChildEvent };

// Transitions shared by the states in which an incarnation may be up: starting, running, restarting.
const LIVE_TRANSITIONS = {
  'fact.exited': { target: 'crashed', actions: ['noteExit', 'decide'] },
  'fact.stop_requested': { target: 'stopping', actions: 'markKilled' },
  'fact.stopped': { target: 'stopped' },
  'supervisor.stop': {
    target: 'stopping',
    actions: [
      'markStopReason',
      {
        type: 'emitAction',
        params: ({ context, event }: ActionArgs): SupervisorAction => ({
          type: 'stop',
          tenant: context.tenant,
          service: context.service,
          reason: event.type === 'supervisor.stop' ? event.reason : 'sibling_restart',
        }),
      },
    ],
  },
} as const;

// Transitions of the states waiting for the kernel to report a start: starting, restarting.
const STARTING_TRANSITIONS = {
  ...LIVE_TRANSITIONS,
  'fact.started': { target: 'running' },
  'fact.start_failed': { target: 'crashed', actions: ['noteExit', 'decide'] },
} as const;

/** The child machine; the tree provides `emitAction`, which hands an action to the kernel. */
export const childMachine = setup({
  types: {
    context: {} as ChildContext,
    input: {} as ChildInput,
    events: {} as ChildEvent,
  },
  actions: {
    // Replaced through `provide` by the tree; the machine itself never performs I/O.
    emitAction: (_args, _action: SupervisorAction) => undefined,
    noteExit: assign(({ event }) => {
      const exit = exitOf(event);
      if (exit === null) return {};
      const lastCrash = exit.reason.kind === 'crash' ? { at: exit.at, error: exit.reason.error } : undefined;
      return { lastExit: exit.reason, lastExitAt: exit.at, ...(lastCrash ? { lastCrash } : {}) };
    }),
    markKilled: assign({ stopReason: 'kill' as const }),
    markStopReason: assign({
      stopReason: ({ event }) => (event.type === 'supervisor.stop' ? event.reason : 'sibling_restart'),
    }),
    decide: assign(({ context, event }) => {
      const exit = exitOf(event);
      if (exit === null) return {};
      const decision = decideRestart({
        restart: context.spec.restart,
        reason: exit.reason,
        history: context.history,
        nowMs: exit.at,
        intensity: context.intensity,
        backoff: context.backoff,
        random: () => exit.random,
      });
      return decision.kind === 'no_restart' ? { decision } : { decision, history: decision.history };
    }),
  },
  guards: {
    givesUp: ({ context }) => context.decision?.kind === 'give_up',
    restarts: ({ context }) => context.decision?.kind === 'restart',
    restartsNow: ({ context }) => restartDelay(context.decision) === 0,
    stoppedForSibling: ({ context }) =>
      context.stopReason === 'sibling_restart' && context.spec.restart !== 'temporary',
    isEscalation: ({ event }) => event.type === 'supervisor.stop' && event.reason === 'escalation',
  },
  delays: {
    backoffDelay: ({ context }) => restartDelay(context.decision) ?? 0,
  },
}).createMachine({
  id: 'child',
  context: ({ input }) => ({
    tenant: input.tenant,
    service: input.service,
    spec: input.spec,
    ...resolveChildPolicy(input.spec, input.policy),
    history: [],
    decision: null,
    attempt: 0,
    restarts: 0,
    lastExit: null,
    lastExitAt: null,
    lastCrash: null,
    stopReason: null,
  }),
  initial: 'starting',
  on: {
    'supervisor.policy': { actions: assign(({ context, event }) => resolveChildPolicy(context.spec, event.policy)) },
  },
  states: {
    starting: {
      entry: {
        type: 'emitAction',
        params: ({ context }) => ({ type: 'start', tenant: context.tenant, service: context.service, attempt: 0 }),
      },
      on: STARTING_TRANSITIONS,
    },
    restarting: {
      entry: [
        assign({ restarts: ({ context }) => context.restarts + 1 }),
        {
          type: 'emitAction',
          params: ({ context }) => ({
            type: 'start',
            tenant: context.tenant,
            service: context.service,
            attempt: context.attempt,
          }),
        },
      ],
      on: STARTING_TRANSITIONS,
    },
    running: { on: LIVE_TRANSITIONS },
    crashed: {
      always: [
        { guard: 'givesUp', target: 'failed' },
        {
          guard: 'restarts',
          target: 'backoff',
          actions: [
            assign({ attempt: ({ context }) => (context.decision?.kind === 'restart' ? context.decision.attempt : 0) }),
            {
              type: 'emitAction',
              params: ({ context }) => ({
                type: 'restart_scheduled',
                tenant: context.tenant,
                service: context.service,
                delayMs: restartDelay(context.decision) ?? 0,
                attempt: context.attempt,
              }),
            },
            sendParent(({ context }) =>
              notice({ type: 'child.restart_pending', service: context.service, attempt: context.attempt }),
            ),
          ],
        },
        { target: 'stopped' },
      ],
    },
    backoff: {
      initial: 'scheduled',
      on: {
        'fact.stop_requested': { target: 'stopped', actions: assign({ stopReason: 'kill' }) },
        'supervisor.stop': { guard: 'isEscalation', target: 'stopped', actions: assign({ stopReason: 'escalation' }) },
      },
      states: {
        scheduled: { always: [{ guard: 'restartsNow', target: 'ready' }, { target: 'waiting' }] },
        waiting: {
          // The timer notifies the tenant, which relays `supervisor.backoff_elapsed` back (see tenant-machine.ts).
          entry: sendParent(({ context }) => notice({ type: 'child.backoff_elapsed', service: context.service }), {
            delay: 'backoffDelay',
            id: 'backoff',
          }),
          exit: cancel('backoff'),
          on: { 'supervisor.backoff_elapsed': 'ready' },
        },
        ready: {
          entry: sendParent(({ context }) =>
            notice({ type: 'child.ready', service: context.service, attempt: context.attempt }),
          ),
          on: {
            'supervisor.restart': {
              target: '#child.restarting',
              // A child that crashed itself keeps the attempt it announced; one stopped for a sibling takes the group's.
              actions: assign({
                attempt: ({ context, event }) => (context.attempt > 0 ? context.attempt : event.attempt),
              }),
            },
          },
        },
      },
    },
    stopping: {
      on: {
        'fact.stopped': [
          { guard: 'stoppedForSibling', target: 'backoff.ready', actions: assign({ attempt: 0 }) },
          { target: 'stopped' },
        ],
        // Nothing is up after a failed start, so the stop is complete.
        'fact.start_failed': [
          { guard: 'stoppedForSibling', target: 'backoff.ready', actions: ['noteExit', assign({ attempt: 0 })] },
          { target: 'stopped', actions: 'noteExit' },
        ],
        'fact.exited': { actions: 'noteExit' },
        'fact.stop_requested': { actions: assign({ stopReason: 'kill' }) },
        // An escalation overrides a stop for a sibling's restart: the child must not come back.
        'supervisor.stop': { guard: 'isEscalation', actions: assign({ stopReason: 'escalation' }) },
      },
    },
    stopped: {
      entry: sendParent(({ context }) => notice({ type: 'child.down', service: context.service })),
    },
    failed: {
      entry: [
        {
          type: 'emitAction',
          params: ({ context }) => ({
            type: 'failed',
            tenant: context.tenant,
            service: context.service,
            reason: failureReason(context.decision),
          }),
        },
        sendParent(({ context }) =>
          notice({ type: 'child.failed', service: context.service, reason: failureReason(context.decision) }),
        ),
      ],
    },
  },
});

function failureReason(decision: RestartDecision | null): string {
  return decision?.kind === 'give_up' ? decision.reason : 'restart intensity exceeded';
}
