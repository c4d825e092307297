// The root supervisor machine: owns one tenant supervisor per tenant and routes the tree's commands.
// It never restarts or stops a tenant: an escalation ends at its tenant supervisor, so one tenant's
// crash loop cannot reach another tenant's services.
//
// States
//   supervising  the only state; the tree stops the root actor (and with it every machine) on stop()
//
// Events
//   tree.set_policy     creates the tenant supervisor with this policy, or passes the policy on
//   tree.add_child      creates the tenant supervisor with the default policy if needed, then passes on
//   tree.remove_child   passes on to the tenant supervisor, if there is one
import { enqueueActions, setup } from 'xstate';
import type { RootEvent, TenantCommandEvent } from './supervisor-events.ts';
import type { TenantPolicy } from './tenant-policy.ts';
import { DEFAULT_TENANT_POLICY } from './tenant-policy.ts';
import { tenantMachine } from './tenant-machine.ts';

/** The context of the root supervisor machine. */
export interface RootContext {
  /** Tenant ids in creation order. */
  tenants: string[];
}

function command(event: TenantCommandEvent): TenantCommandEvent {
  return event;
}

/** The root supervisor machine; the tree provides the `tenant` actor. */
export const rootMachine = setup({
  types: {
    context: {} as RootContext,
    events: {} as RootEvent,
  },
  actors: { tenant: tenantMachine },
  actions: {
    // Spawns the tenant supervisor if it does not exist yet; a tenant keeps its policy once created.
    ensureTenant: enqueueActions(({ context, enqueue }, params: { tenant: string; policy: TenantPolicy }) => {
      if (context.tenants.includes(params.tenant)) return;
      enqueue.spawnChild('tenant', { id: params.tenant, input: { tenant: params.tenant, policy: params.policy } });
      enqueue.assign({ tenants: [...context.tenants, params.tenant] });
    }),
  },
}).createMachine({
  id: 'root',
  context: { tenants: [] },
  initial: 'supervising',
  states: {
    supervising: {
      on: {
        'tree.set_policy': {
          actions: [
            { type: 'ensureTenant', params: ({ event }) => ({ tenant: event.tenant, policy: event.policy }) },
            enqueueActions(({ event, enqueue }) =>
              enqueue.sendTo(event.tenant, command({ type: 'tree.set_policy', policy: event.policy })),
            ),
          ],
        },
        'tree.add_child': {
          actions: [
            { type: 'ensureTenant', params: ({ event }) => ({ tenant: event.tenant, policy: DEFAULT_TENANT_POLICY }) },
            enqueueActions(({ event, enqueue }) =>
              enqueue.sendTo(
                event.tenant,
                command({ type: 'tree.add_child', service: event.service, spec: event.spec }),
              ),
            ),
          ],
        },
        'tree.remove_child': {
          actions: enqueueActions(({ context, event, enqueue }) => {
            if (context.tenants.includes(event.tenant))
              enqueue.sendTo(event.tenant, command({ type: 'tree.remove_child', service: event.service }));
          }),
        },
      },
    },
  },
});
