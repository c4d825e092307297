// The states of a child, as shown by childState() and snapshot(); the machine is in child-machine.ts.

/** Every state of a child machine, in lifecycle order. */
export const CHILD_STATES = [
  'starting',
  'running',
  'crashed',
  'backoff',
  'restarting',
  'stopping',
  'stopped',
  'failed',
] as const;
/** One child state. */
export type ChildStateName = (typeof CHILD_STATES)[number];

/** States in which an incarnation may be up (or about to be): a stop must go through the kernel. */
export const LIVE_CHILD_STATES: readonly ChildStateName[] = ['starting', 'running', 'restarting'];
