// The runtime the kernel drives: a root actor over tenant and child machines, run by xstate with the
// injected clock. It validates input, stamps facts with time and a random draw, and hands the
// machines' actions to `onAction`. Every decision is taken inside the machines.
import { SoloError, parseServiceId, parseTenantId } from '@solo/protocol';
import type { Actor, AnyActorRef } from 'xstate';
import { createActor } from 'xstate';
import { childMachine } from './child-machine.ts';
import type { ChildSpecInput } from './child-spec.ts';
import { resolveChildSpec } from './child-spec.ts';
import { rootMachine } from './root-machine.ts';
import type { ChildFact, SupervisorAction } from './supervisor-action.ts';
import type { ChildFactEvent } from './supervisor-events.ts';
import { tenantMachine } from './tenant-machine.ts';
import type { TenantPolicyInput } from './tenant-policy.ts';
import { resolveTenantPolicy } from './tenant-policy.ts';
import type { ChildSnapshot, ChildView, TenantView, TreeView } from './tree-view.ts';
import { childStateOf, viewChild, viewChildInTree } from './tree-view.ts';

/** The clock the tree runs on: `now` stamps facts, the timers carry backoff delays. */
export interface SupervisorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link createSupervisorTree}. */
export interface SupervisorTreeOptions {
  clock: SupervisorClock;
  /** Uniform draws in [0, 1) for backoff jitter: one per `exited` or `start_failed` fact. */
  random: () => number;
  /**
   * Receives every action, synchronously and in order. It may call back into the tree (report a fact at
   * once): the call is queued behind the step in progress. An exception it throws does not break the
   * machines; it is rethrown from the tree call (or timer) that produced the action.
   */
  onAction: (action: SupervisorAction) => void;
}

/** The supervision tree of a node: the root, one supervisor per tenant, one machine per service. */
export interface SupervisorTree {
  /**
   * Sets a tenant's policy (creating its supervisor if needed); live children pick up the new intensity
   * and backoff at once. @throws `invalid_request` on a bad tenant id or policy; `unavailable` after stop().
   */
  setTenantPolicy(tenant: string, policy: TenantPolicyInput): void;
  /**
   * Supervises a new service and emits its first `start` (attempt 0). A stopped or failed child of the
   * same id is replaced by a fresh one. @throws `invalid_request` on a bad id or spec, `already_exists`
   * when the service is still live, `unavailable` after stop().
   */
  addChild(tenant: string, service: string, spec: ChildSpecInput): void;
  /** Forgets a service (after the kernel stopped it for a kill), cancelling any pending restart. */
  removeChild(tenant: string, service: string): void;
  /** Reports a fact about a service's incarnation; facts about unknown services are ignored. */
  report(tenant: string, service: string, fact: ChildFact): void;
  /** The state of one service, or undefined when it is not supervised. */
  childState(tenant: string, service: string): ChildView | undefined;
  /** The whole tree, for `solo tree`. */
  snapshot(): TreeView;
  /** Stops every machine and cancels every timer; emits no action. Idempotent. */
  stop(): void;
}

type TenantSnapshot = ReturnType<Actor<typeof tenantMachine>['getSnapshot']>;

/** Creates and starts a supervision tree. */
export function createSupervisorTree(opts: SupervisorTreeOptions): SupervisorTree {
  // xstate turns an exception inside an action into the death of that actor (and of its parents): the
  // kernel's exception is held until the machines finished their step, then rethrown to the caller.
  const failures: unknown[] = [];
  const emitAction = (_args: unknown, action: SupervisorAction): void => {
    try {
      opts.onAction(action);
    } catch (err) {
      failures.push(err);
    }
  };
  const rethrow = (): void => {
    if (failures.length > 0) throw failures.splice(0)[0];
  };
  const child = childMachine.provide({ actions: { emitAction } });
  const tenant = tenantMachine.provide({ actions: { emitAction }, actors: { child } });
  const root = createActor(rootMachine.provide({ actors: { tenant } }), {
    clock: {
      setTimeout: (fn: () => void, ms: number) =>
        opts.clock.setTimeout(() => {
          fn();
          rethrow();
        }, ms),
      clearTimeout: (handle: unknown) => opts.clock.clearTimeout(handle),
    },
  });
  root.start();
  let stopped = false;

  const tenantRef = (id: string): AnyActorRef | undefined =>
    stopped ? undefined : (root.getSnapshot().children as Record<string, AnyActorRef | undefined>)[id];
  const childRef = (t: string, s: string): AnyActorRef | undefined =>
    (tenantRef(t)?.getSnapshot() as TenantSnapshot | undefined)?.children[s] as AnyActorRef | undefined;
  const childSnapshot = (t: string, s: string): ChildSnapshot | undefined =>
    childRef(t, s)?.getSnapshot() as ChildSnapshot | undefined;
  const checkOpen = (): void => {
    if (stopped)
      throw new SoloError(
        'unavailable',
        'The supervisor tree is stopped. Create a new tree with createSupervisorTree() to supervise services again.',
      );
  };

  return {
    setTenantPolicy(t, policy) {
      checkOpen();
      parseTenantId(t);
      root.send({ type: 'tree.set_policy', tenant: t, policy: resolveTenantPolicy(policy) });
      rethrow();
    },
    addChild(t, s, spec) {
      checkOpen();
      parseTenantId(t);
      parseServiceId(s);
      const resolved = resolveChildSpec(spec);
      const existing = childSnapshot(t, s);
      if (existing) {
        const state = childStateOf(existing);
        if (state !== 'stopped' && state !== 'failed') {
          throw new SoloError(
            'already_exists',
            `Service '${s}' of tenant '${t}' is already supervised (state ${state}). Stop it and call removeChild() before adding it again.`,
            {
              details: { tenant: t, service: s, state },
            },
          );
        }
        // A stopped or failed child is replaced by a fresh one: a new deploy is a new start.
        root.send({ type: 'tree.remove_child', tenant: t, service: s });
      }
      root.send({ type: 'tree.add_child', tenant: t, service: s, spec: resolved });
      rethrow();
    },
    removeChild(t, s) {
      if (stopped) return;
      root.send({ type: 'tree.remove_child', tenant: t, service: s });
      rethrow();
    },
    report(t, s, fact) {
      // Facts about children the tree does not know (removed, never added, another node's) are dropped.
      const ref = tenantRef(t);
      const event = ref && childRef(t, s) ? toFactEvent(fact, opts) : null;
      if (ref && event) ref.send({ type: 'tree.fact', service: s, fact: event });
      rethrow();
    },
    childState(t, s) {
      const snapshot = childSnapshot(t, s);
      return snapshot ? viewChild(snapshot) : undefined;
    },
    snapshot() {
      if (stopped) return { state: 'stopped', tenants: [] };
      const tenants: TenantView[] = [];
      for (const id of [...root.getSnapshot().context.tenants].sort()) {
        const snap = tenantRef(id)?.getSnapshot() as TenantSnapshot | undefined;
        if (!snap) continue;
        const { policy, order, escalations } = snap.context;
        const children = order.flatMap((s) => {
          const c = snap.children[s]?.getSnapshot() as ChildSnapshot | undefined;
          return c ? [viewChildInTree(c)] : [];
        });
        tenants.push({
          tenant: id,
          state: snap.value === 'escalated' ? 'escalated' : 'supervising',
          strategy: policy.strategy,
          intensity: { ...policy.intensity },
          escalation: policy.escalation,
          escalations,
          children,
        });
      }
      return { state: 'running', tenants };
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // Stopping the root stops every machine below it and cancels their pending timers.
      root.stop();
    },
  };
}

function toFactEvent(fact: ChildFact, opts: SupervisorTreeOptions): ChildFactEvent | null {
  switch (fact.type) {
    case 'started':
      return { type: 'fact.started' };
    case 'start_failed':
      return { type: 'fact.start_failed', error: fact.error, at: opts.clock.now(), random: opts.random() };
    case 'exited':
      return { type: 'fact.exited', reason: fact.reason, at: opts.clock.now(), random: opts.random() };
    case 'stop_requested':
      return { type: 'fact.stop_requested' };
    case 'stopped':
      return { type: 'fact.stopped' };
    default:
      return null;
  }
}
