// The service every Solo row deploys: examples/counter.ts, read once, with a helper to deploy it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployReply, SoloClient } from '@solo/sdk';

/** Source of examples/counter.ts. */
export function counterSource(repoRoot: string): string {
  return readFileSync(join(repoRoot, 'examples', 'counter.ts'), 'utf8');
}

/**
 * Deploys the counter under `serviceId` and checks the reply says the commit event was acked.
 * @throws when the reply has no event sequence
 */
export async function deployCounter(client: SoloClient, serviceId: string, source: string): Promise<DeployReply> {
  const reply = await client.deploy({ service_id: serviceId, source, filename: 'counter.ts' });
  if (!(reply.event_seq > 0)) throw new Error(`deploy of '${serviceId}' replied without an acked event (event_seq ${reply.event_seq})`);
  return reply;
}
