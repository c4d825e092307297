// @solo/gateway: the doors of a node (NATS request/reply today; gRPC and REST later) and its start-up.
export { startNode, SOLO_VERSION } from './node/start-node.ts';
export type { StartNodeOptions, RunningNode } from './node/start-node.ts';
export { startNatsDoor } from './nats/nats-door.ts';
export type { NatsDoor, NatsDoorOptions } from './nats/nats-door.ts';
export { authorizeRequest } from './authorize.ts';
export type { AuthorizationRequest } from './authorize.ts';
