// The tenant supervisor machine: one per tenant. It spawns a child machine per service, applies the
// tenant's strategy when a child restarts, releases restart groups, and escalates a child's failure.
//
// Every event reaches a child through its tenant (kernel facts and the child's own backoff timer too):
// xstate queues an event for an actor that is busy, so a child's notice is handled only after the child
// finished its step, and the tenant's commands (a group's restarts, in registration order) always find
// the children idle and run in the order sent. A child sending straight to itself would break that order.
//
// States
//   supervising  the normal state
//   escalated    a `stop_all` escalation stopped every child; adding a child returns to supervising
//
// Events
//   tree.set_policy       new policy; passed on to every child
//   tree.add_child        spawns a child machine (which emits `start`); escalated → supervising
//   tree.fact             passes a kernel fact on to the child (dropped for an unknown child)
//   tree.remove_child     stops the child machine (cancelling a pending restart) and forgets it
//   child.restart_pending plans the strategy: stops siblings, forms or merges a restart group
//   child.backoff_elapsed relays `supervisor.backoff_elapsed` to the child
//   child.ready           marks the child ready; starts every group whose members are all ready
//   child.failed          emits `escalated`; under stop_all stops every other child → escalated
//   child.down            drops the child from any group; starts groups that became complete
import type { AnyActorRef } from 'xstate';
import { assign, enqueueActions, setup } from 'xstate';
import { childMachine } from './child-machine.ts';
import type { RestartGroup } from './restart-group.ts';
import { isGroupMember, mergeRestartGroup, releaseReadyGroups, removeFromGroups } from './restart-group.ts';
import { planGroupRestart } from './restart-strategy.ts';
import type { ChildCommandEvent, TenantEvent } from './supervisor-events.ts';
import type { SupervisorAction } from './supervisor-action.ts';
import type { TenantPolicy } from './tenant-policy.ts';
import type { ChildSnapshot } from './tree-view.ts';
import { viewSibling } from './tree-view.ts';

/** What a tenant supervisor machine is spawned with. */
export interface TenantInput {
  tenant: string;
  policy: TenantPolicy;
}

/** The context of a tenant supervisor machine. */
export interface TenantContext {
  tenant: string;
  policy: TenantPolicy;
  /** Services in registration order: the order of rest_for_one and of every group start. */
  order: string[];
  groups: RestartGroup[];
  /** Services down and ready to start again, waiting for the rest of their group. */
  ready: string[];
  escalations: number;
}

type Children = Record<string, AnyActorRef | undefined>;

function command(event: ChildCommandEvent): ChildCommandEvent {
  return event;
}

function childSnapshot(children: Children, service: string): ChildSnapshot | undefined {
  return children[service]?.getSnapshot() as ChildSnapshot | undefined;
}

const EMIT_ESCALATED = {
  type: 'emitAction',
  params: ({ context, event }: { context: TenantContext; event: TenantEvent }): SupervisorAction => ({
    type: 'escalated',
    tenant: context.tenant,
    service: 'service' in event ? event.service : '',
    policy: context.policy.escalation,
  }),
} as const;

/** The tenant supervisor machine; the tree provides `emitAction` and the `child` actor. */
export const tenantMachine = setup({
  types: {
    context: {} as TenantContext,
    input: {} as TenantInput,
    events: {} as TenantEvent,
  },
  actors: { child: childMachine },
  actions: {
    // Replaced through `provide` by the tree; the machine itself never performs I/O.
    emitAction: (_args, _action: SupervisorAction) => undefined,
    addChild: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'tree.add_child') return;
      enqueue.spawnChild('child', {
        id: event.service,
        input: { tenant: context.tenant, service: event.service, spec: event.spec, policy: context.policy },
      });
      enqueue.assign({ order: [...context.order.filter((s) => s !== event.service), event.service] });
    }),
    // Forgets a child that is down for good and/or marks one ready, then starts every group that became
    // complete: each member in registration order.
    settleGroups: enqueueActions(
      ({ context, enqueue, self }, params: { forget: string | null; ready: string | null }) => {
        const forget = params.forget;
        const groups = forget === null ? context.groups : removeFromGroups(context.groups, forget);
        let ready = context.ready.filter((s) => s !== forget);
        if (params.ready !== null && !ready.includes(params.ready)) ready = [...ready, params.ready];
        const released = releaseReadyGroups(groups, ready);
        enqueue.assign({ groups: released.groups, ready: released.ready });
        const children = self.getSnapshot().children as Children;
        for (const group of released.released) {
          for (const service of group.members) {
            const ref = children[service];
            if (ref) enqueue.sendTo(ref, command({ type: 'supervisor.restart', attempt: group.attempt }));
          }
        }
      },
    ),
    countEscalation: assign({ escalations: ({ context }) => context.escalations + 1 }),
  },
  guards: {
    stopsAll: ({ context, event }) => event.type === 'child.failed' && context.policy.escalation === 'stop_all',
  },
}).createMachine({
  id: 'tenant',
  context: ({ input }) => ({
    tenant: input.tenant,
    policy: input.policy,
    order: [],
    groups: [],
    ready: [],
    escalations: 0,
  }),
  initial: 'supervising',
  on: {
    'tree.set_policy': {
      actions: enqueueActions(({ event, enqueue, self }) => {
        enqueue.assign({ policy: event.policy });
        const children = self.getSnapshot().children as Children;
        for (const ref of Object.values(children))
          if (ref) enqueue.sendTo(ref, command({ type: 'supervisor.policy', policy: event.policy }));
      }),
    },
    'tree.add_child': { target: '.supervising', actions: 'addChild' },
    'tree.fact': {
      actions: enqueueActions(({ event, enqueue, self }) => {
        const ref = (self.getSnapshot().children as Children)[event.service];
        if (ref) enqueue.sendTo(ref, event.fact);
      }),
    },
    'child.backoff_elapsed': {
      actions: enqueueActions(({ event, enqueue, self }) => {
        const ref = (self.getSnapshot().children as Children)[event.service];
        if (ref) enqueue.sendTo(ref, command({ type: 'supervisor.backoff_elapsed' }));
      }),
    },
    'tree.remove_child': {
      actions: enqueueActions(({ context, event, enqueue, self }) => {
        if (!context.order.includes(event.service)) return;
        // Stopping the child actor cancels its backoff timer through the injected clock.
        if ((self.getSnapshot().children as Children)[event.service]) enqueue.stopChild(event.service);
        enqueue.assign({ order: context.order.filter((s) => s !== event.service) });
        enqueue({ type: 'settleGroups', params: { forget: event.service, ready: null } });
      }),
    },
    'child.restart_pending': {
      actions: enqueueActions(({ context, event, enqueue, self }) => {
        const children = self.getSnapshot().children as Children;
        const siblings = context.order.flatMap((s) => {
          const snapshot = childSnapshot(children, s);
          return snapshot ? [viewSibling(snapshot)] : [];
        });
        const plan = planGroupRestart(context.policy.strategy, siblings, event.service);
        const group = { members: plan.members, attempt: event.attempt, waitFor: plan.waitFor };
        enqueue.assign({ groups: mergeRestartGroup(context.groups, group, context.order) });
        for (const service of plan.stop) {
          const ref = children[service];
          if (ref) enqueue.sendTo(ref, command({ type: 'supervisor.stop', reason: 'sibling_restart' }));
        }
      }),
    },
    'child.ready': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        // A ready child outside every group (its group was dissolved) restarts on its own.
        if (!isGroupMember(context.groups, event.service)) {
          const alone = { members: [event.service], attempt: event.attempt, waitFor: [] };
          enqueue.assign({ groups: mergeRestartGroup(context.groups, alone, context.order) });
        }
        enqueue({ type: 'settleGroups', params: { forget: null, ready: event.service } });
      }),
    },
    'child.down': {
      actions: { type: 'settleGroups', params: ({ event }) => ({ forget: event.service, ready: null }) },
    },
    'child.failed': [
      {
        guard: 'stopsAll',
        target: '.escalated',
        actions: [
          'countEscalation',
          EMIT_ESCALATED,
          enqueueActions(({ context, event, enqueue, self }) => {
            const children = self.getSnapshot().children as Children;
            // Stop in reverse registration order, as OTP terminates children.
            for (const service of [...context.order].reverse()) {
              const ref = children[service];
              if (service !== event.service && ref)
                enqueue.sendTo(ref, command({ type: 'supervisor.stop', reason: 'escalation' }));
            }
            enqueue.assign({ groups: [], ready: [] });
          }),
        ],
      },
      {
        actions: [
          'countEscalation',
          EMIT_ESCALATED,
          { type: 'settleGroups', params: ({ event }) => ({ forget: event.service, ready: null }) },
        ],
      },
    ],
  },
  states: {
    supervising: {},
    escalated: {},
  },
});
