// Keeps a service's runtime entry in line with its child machine after the tree took a decision the kernel
// does not get an action for: a child down for good (its restart type said no, or an escalation stopped it).
import { SoloError, type ExitReason } from '@solo/protocol';
import type { ChildView } from '@solo/supervisor';
import type { ServiceEntry } from '../service-entry.ts';

function describeExit(exit: ExitReason | null): string {
  if (exit === null) return 'stopped by its supervisor';
  return exit.kind === 'crash' ? `crash: ${exit.error.message}` : exit.kind;
}

/** The error calls and casts get while a service is stopped for good. */
export function stoppedError(e: ServiceEntry, view: ChildView | undefined): SoloError {
  return new SoloError(
    'unavailable',
    `Service '${e.service}' of tenant '${e.tenant}' is stopped (last exit: ${describeExit(view?.lastExit ?? null)}; restart type ${e.record.restart}) and its supervisor will not restart it. Start it again with \`solo replace ${e.service} <file>\` or \`solo rollback ${e.service}\`, or remove it with \`solo kill ${e.service}\`.`,
    { details: { service_id: e.service, status: 'stopped' } },
  );
}

/** Applies the child's state to the entry: stopped for good closes the actor cell; backoff shows as restarting. */
export function syncWithChild(e: ServiceEntry, view: ChildView | undefined): void {
  if (view === undefined || e.status === 'failed') return;
  if (view.state === 'stopped') {
    e.status = 'stopped';
    e.actor.close(stoppedError(e, view));
  } else if (view.state === 'backoff') {
    e.status = 'restarting';
  }
}
