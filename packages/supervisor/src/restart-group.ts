// A restart group: children that go down together and start again together, once every member is down
// and ready (its own backoff elapsed, or its stop for a sibling's restart completed). Pure.

/** Children restarted together; `members` in registration order. */
export interface RestartGroup {
  members: string[];
  /** The attempt of the restart that formed the group; siblings start with it. */
  attempt: number;
}

/**
 * Adds `group` to `groups`, folding in every pending group it shares a member with, so one child never
 * waits in two groups. Members keep the registration order given by `order`.
 */
export function mergeRestartGroup(groups: readonly RestartGroup[], group: RestartGroup, order: readonly string[]): RestartGroup[] {
  const members = new Set(group.members);
  let attempt = group.attempt;
  const rest: RestartGroup[] = [];
  for (const g of groups) {
    if (g.members.some((m) => members.has(m))) {
      for (const m of g.members) members.add(m);
      attempt = Math.max(attempt, g.attempt);
    } else {
      rest.push(g);
    }
  }
  return [...rest, { members: order.filter((s) => members.has(s)), attempt }];
}

/** Drops `service` from every group (it went down for good, failed or was removed); empty groups vanish. */
export function removeFromGroups(groups: readonly RestartGroup[], service: string): RestartGroup[] {
  return groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== service) })).filter((g) => g.members.length > 0);
}

/** True when `service` waits in some group. */
export function isGroupMember(groups: readonly RestartGroup[], service: string): boolean {
  return groups.some((g) => g.members.includes(service));
}

/** Splits off the groups whose members are all ready; their members leave the ready list. */
export function releaseReadyGroups(
  groups: readonly RestartGroup[],
  ready: readonly string[],
): { released: RestartGroup[]; groups: RestartGroup[]; ready: string[] } {
  const released = groups.filter((g) => g.members.every((m) => ready.includes(m)));
  const starting = new Set(released.flatMap((g) => g.members));
  return {
    released,
    groups: groups.filter((g) => !released.includes(g)),
    ready: ready.filter((s) => !starting.has(s)),
  };
}
