// The `tree` verb's reply: one tenant's subtree of the live supervision tree, as wire data. Pure.
import type { CrashInfo, SupervisedChild, SupervisionPolicy, TreeReply } from '@solo/protocol';
import type { ChildTreeView, TreeView } from '@solo/supervisor';

function crashInfo(c: ChildTreeView['lastCrash']): CrashInfo | null {
  if (c === null) return null;
  return { reason: c.error.message, code: String(c.error.details?.['reason'] ?? c.error.code), at: new Date(c.at).toISOString() };
}

/**
 * `tenant`'s part of `tree`; a tenant nobody deployed for yet shows its policy and no children.
 * Only this tenant's services appear: a tenant never sees another's.
 */
export function treeReply(tree: TreeView, tenant: string, policy: SupervisionPolicy): TreeReply {
  const view = tree.tenants.find((t) => t.tenant === tenant);
  const children: SupervisedChild[] = (view?.children ?? []).map((c) => ({
    service_id: c.service,
    state: c.state,
    restart: c.restart,
    restarts: c.restarts,
    last_crash: crashInfo(c.lastCrash),
  }));
  return { tenant, state: view?.state ?? 'supervising', policy, escalations: view?.escalations ?? 0, children };
}
