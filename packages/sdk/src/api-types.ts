// The request and reply body of every tenant API verb, so one generic request function stays typed.
import type {
  ApiVerb,
  CallReply,
  CallRequest,
  CastReply,
  CastRequest,
  DeployReply,
  DeployRequest,
  EventsReply,
  EventsRequest,
  FollowReply,
  FollowRequest,
  FollowStopRequest,
  HealthReply,
  KillReply,
  KillRequest,
  ListReply,
  ListRequest,
  LogsReply,
  LogsRequest,
  ServiceRef,
  ServiceStatus,
  SupervisionReply,
  SupervisionRequest,
  SwapReply,
  SwapRequest,
  ReplaceReply,
  ReplaceRequest,
  RollbackReply,
  RollbackRequest,
  HistoryReply,
  TreeReply,
  RegisterRequest,
  RegisterReply,
  DeregisterRequest,
  DeregisterReply,
  DiscoverRequest,
  DiscoverReply,
  ServicesRequest,
} from '@solo/protocol';

/** An empty JSON object, the body of verbs that take no argument and the reply of verbs that return nothing. */
export type EmptyBody = Record<string, never>;

/** Request and reply body of each verb (the reply without its `ok` flag). */
export interface ApiVerbTypes {
  deploy: { request: DeployRequest; reply: DeployReply };
  kill: { request: KillRequest; reply: KillReply };
  status: { request: ServiceRef; reply: ServiceStatus };
  list: { request: ListRequest; reply: ListReply };
  call: { request: CallRequest; reply: CallReply };
  cast: { request: CastRequest; reply: CastReply };
  events: { request: EventsRequest; reply: EventsReply };
  events_follow: { request: FollowRequest; reply: FollowReply };
  logs: { request: LogsRequest; reply: LogsReply };
  logs_follow: { request: FollowRequest; reply: FollowReply };
  follow_stop: { request: FollowStopRequest; reply: EmptyBody };
  health: { request: EmptyBody; reply: HealthReply };
  supervision: { request: SupervisionRequest; reply: SupervisionReply };
  tree: { request: EmptyBody; reply: TreeReply };
  swap: { request: SwapRequest; reply: SwapReply };
  replace: { request: ReplaceRequest; reply: ReplaceReply };
  rollback: { request: RollbackRequest; reply: RollbackReply };
  history: { request: ServiceRef; reply: HistoryReply };
  register: { request: RegisterRequest; reply: RegisterReply };
  deregister: { request: DeregisterRequest; reply: DeregisterReply };
  discover: { request: DiscoverRequest; reply: DiscoverReply };
  services: { request: ServicesRequest; reply: DiscoverReply };
}

// Fails to compile when protocol gains a verb this table does not type, or loses one it does.
type AssertNever<T extends never> = T;
type _EveryVerbTyped = AssertNever<Exclude<ApiVerb, keyof ApiVerbTypes> | Exclude<keyof ApiVerbTypes, ApiVerb>>;
