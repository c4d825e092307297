// Starts a real node (embedded nats-server, LMDB in a temp dir) for one test file, and a raw NATS client.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, headers, type NatsConnection } from 'nats';
import { natsAuthOptions } from '@solo/kernel';
import { createTempDir, type TempDir } from '@solo/testkit';
import { startNode, type RunningNode } from '@solo/gateway';
import { HEADERS, tenantApiSubject, type TenantId } from '@solo/protocol';

const here = dirname(fileURLToPath(import.meta.url));

/** Source of one of the repo's examples. */
export function example(name: string): string {
  return readFileSync(join(here, '..', '..', '..', 'examples', `${name}.ts`), 'utf8');
}

export interface NodeFixture {
  node: RunningNode;
  nc: NatsConnection;
  dir: TempDir;
  /** Raw API request with the admin token (or `token`): returns the parsed reply envelope. */
  api(tenant: string, verb: string, body: unknown, raw?: Uint8Array, token?: string): Promise<Record<string, unknown>>;
  /** The operator's token. */
  adminToken: string;
  close(): Promise<void>;
}

/** Starts a node with an embedded nats-server in a fresh temp data dir. */
export async function startNodeFixture(): Promise<NodeFixture> {
  const dir = createTempDir('solo-node-');
  const node = await startNode({ dataDir: dir.path });
  // The node's own NATS user (every permission): raw tests read streams and subjects directly.
  const nc = await connect({ servers: node.info.nats_url, ...(node.kernelNats ? natsAuthOptions(node.kernelNats) : {}) });
  const enc = new TextEncoder();
  return {
    node,
    nc,
    dir,
    adminToken: node.adminToken,
    async api(tenant, verb, body, raw, token) {
      const data = raw ?? enc.encode(JSON.stringify(body));
      const h = headers();
      h.set(HEADERS.token, token ?? node.adminToken);
      const m = await nc.request(tenantApiSubject(tenant as TenantId, verb), data, { timeout: 15_000, headers: h });
      return JSON.parse(new TextDecoder().decode(m.data)) as Record<string, unknown>;
    },
    async close() {
      await nc.close();
      await node.stop();
      dir.remove();
    },
  };
}

/** A raw NATS connection to `node` as its own user (every permission). */
export function nodeNats(node: RunningNode): Promise<NatsConnection> {
  return connect({ servers: node.info.nats_url, ...(node.kernelNats ? natsAuthOptions(node.kernelNats) : {}) });
}

/** Request headers carrying the node's admin token (and a correlation id when given). */
export function adminHeaders(node: RunningNode, correlationId?: string): ReturnType<typeof headers> {
  const h = headers();
  h.set(HEADERS.token, node.adminToken);
  if (correlationId) h.set(HEADERS.correlationId, correlationId);
  return h;
}
