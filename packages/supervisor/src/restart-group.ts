// A restart group: children that go down together and start again together, once every member is down
// and ready (its own backoff elapsed, or its stop for a sibling's restart completed). Pure.

/** Children restarted together; `members` in registration order. */
export interface RestartGroup {
  members: string[];
  /** The attempt of the restart that formed the group; siblings start with it. */
  attempt: number;
  /** Children that must be down before the group starts but are not restarted (temporary siblings). */
  waitFor: string[];
}

/**
 * Adds `group` to `groups`, folding in every pending group it shares a member with, so one child never
 * waits in two groups. Members keep the registration order given by `order`.
 */
export function mergeRestartGroup(
  groups: readonly RestartGroup[],
  group: RestartGroup,
  order: readonly string[],
): RestartGroup[] {
  const members = new Set(group.members);
  const waitFor = new Set(group.waitFor);
  let attempt = group.attempt;
  const rest: RestartGroup[] = [];
  for (const g of groups) {
    if ([...g.members, ...g.waitFor].some((m) => members.has(m) || waitFor.has(m))) {
      for (const m of g.members) members.add(m);
      for (const m of g.waitFor) waitFor.add(m);
      attempt = Math.max(attempt, g.attempt);
    } else {
      rest.push(g);
    }
  }
  return [
    ...rest,
    {
      members: order.filter((s) => members.has(s)),
      attempt,
      waitFor: order.filter((s) => waitFor.has(s) && !members.has(s)),
    },
  ];
}

/** Drops `service` from every group (it went down for good, failed or was removed); groups left with nobody to restart vanish. */
export function removeFromGroups(groups: readonly RestartGroup[], service: string): RestartGroup[] {
  return groups
    .map((g) => ({
      ...g,
      members: g.members.filter((m) => m !== service),
      waitFor: g.waitFor.filter((m) => m !== service),
    }))
    .filter((g) => g.members.length > 0);
}

/** True when `service` waits in some group. */
export function isGroupMember(groups: readonly RestartGroup[], service: string): boolean {
  return groups.some((g) => g.members.includes(service));
}

/** Splits off the groups whose members are all ready and that wait for nobody; their members leave the ready list. */
export function releaseReadyGroups(
  groups: readonly RestartGroup[],
  ready: readonly string[],
): { released: RestartGroup[]; groups: RestartGroup[]; ready: string[] } {
  const released = groups.filter((g) => g.waitFor.length === 0 && g.members.every((m) => ready.includes(m)));
  const starting = new Set(released.flatMap((g) => g.members));
  return {
    released,
    groups: groups.filter((g) => !released.includes(g)),
    ready: ready.filter((s) => !starting.has(s)),
  };
}
