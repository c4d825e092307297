// @solo/gateway: the doors of a node (NATS request/reply, REST + SSE, gRPC with mutual TLS) and its start-up.
export { startNode, SOLO_VERSION, SANDBOX_KINDS } from './node/start-node.ts';
export type { StartNodeOptions, RunningNode, SandboxKind } from './node/start-node.ts';
export { startNatsDoor } from './nats/nats-door.ts';
export type { NatsDoor, NatsDoorOptions } from './nats/nats-door.ts';
/** The one check of every door: the token verified and authorized by the kernel's security (issue #5). */
export { authorizeRequest, authorizeAdminRequest, authorizeRestRequest, bearerToken, checkFollowInbox, deployCapability } from './authorize.ts';
export type { DoorRequest } from './authorize.ts';
/**
 * The HTTP door (fastify): `GET /metrics` (Prometheus) and `GET /health` (200 when ready, 503 otherwise),
 * on 127.0.0.1 and a free port by default. `startHttpDoor` throws `invalid_request` for a bad host or port
 * and `unavailable` when the address cannot be bound.
 */
export { startHttpDoor, resolveHttpAddress, DEFAULT_HTTP_HOST } from './http/http-door.ts';
export type { HttpDoor, HttpDoorOptions } from './http/http-door.ts';
/** The HTTP status of every error code. */
export { HTTP_STATUS } from './http/http-status.ts';
/**
 * The node's structured log (pino, one JSON object per line with `correlation_id`, `tenant_id`,
 * `service_id`, `duration_ms` where they apply), its levels (`parseNodeLogLevel` throws `invalid_request`)
 * and the human rendering `solo up` uses on a terminal.
 */
export { createNodeLogger } from './logging/node-logger.ts';
export type { NodeLogger, NodeLoggerOptions } from './logging/node-logger.ts';
export { NODE_LOG_LEVELS, DEFAULT_NODE_LOG_LEVEL, parseNodeLogLevel } from './logging/log-level.ts';
export type { NodeLogLevel } from './logging/log-level.ts';
export { createPrettyLogSink } from './logging/pretty-log-sink.ts';
/**
 * OpenTelemetry: `startTracing` registers the trace SDK when the OTEL_* variables ask for it (or an exporter
 * is given) and returns null otherwise; `resolveTracingConfig` is its pure reading of the environment
 * (throws `invalid_request` naming a variable it cannot honour). `startNode` calls both.
 */
export { startTracing } from './telemetry/start-tracing.ts';
export type { StartTracingOptions, Tracing } from './telemetry/start-tracing.ts';
export { resolveTracingConfig, OTLP_PROTOCOLS, TRACE_SAMPLERS } from './telemetry/tracing-config.ts';
export type { TracingConfig, OtlpProtocol, TraceSamplerName } from './telemetry/tracing-config.ts';
/**
 * The gRPC door (solo.v1.SoloKernel from `proto/solo/v1/solo.proto`, grpc.health.v1, server reflection) over
 * mutual TLS. `startNode` starts it; `startGrpcDoor` throws `invalid_request` for a bad port and `unavailable`
 * when it cannot bind. `loadSoloProto` loads the contract for clients and tests.
 */
export { startGrpcDoor, loadSoloProto, PROTO_ROOT, DEFAULT_GRPC_HOST } from './grpc/grpc-door.ts';
export type { GrpcDoor, GrpcDoorOptions } from './grpc/grpc-door.ts';
/** The gRPC status of every error code, and the trailing-metadata key (`solo-code`) carrying the code. */
export { GRPC_STATUS, SOLO_CODE_METADATA } from './grpc/grpc-status.ts';
/**
 * The node's TLS material in `<dataDir>/tls/` (made with `openssl` on first start). `issueClientCertificate`
 * writes a client certificate for a tenant (or the operator's, for the name `admin`); both throw
 * `unavailable` when openssl fails, and `issueClientCertificate` throws `invalid_request` for a bad tenant id.
 */
export { ensureNodeTls, issueClientCertificate, ADMIN_CERT_NAME } from './grpc/tls-certs.ts';
export type { NodeTls, IssuedCertificate } from './grpc/tls-certs.ts';
/** The gRPC door's authorization: tenant from the client certificate, admin verbs for the admin certificate. */
export { authorizeGrpcRequest, authorizeGrpcAdminRequest } from './authorize.ts';
export type { GrpcPeer } from './authorize.ts';
