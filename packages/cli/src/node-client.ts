// Opens the SDK client a command uses: the NATS URL comes from --nats, SOLO_NATS_URL, or the local node.json.
import { SoloError } from '@solo/protocol';
import { connectSolo, readNodeInfo } from '@solo/sdk';
import type { SoloClient } from '@solo/sdk';
import type { ResolvedGlobalOptions } from './global-options.ts';

/** Where to reach the node. @throws `unavailable` when no URL is given and no live node owns the data dir */
export function resolveNatsUrl(g: ResolvedGlobalOptions): string {
  if (g.natsUrl !== undefined) return g.natsUrl;
  const info = readNodeInfo(g.dataDir);
  if (info === null) {
    throw new SoloError(
      'unavailable',
      `No Solo node is running on data dir ${g.dataDir} (no live node.json there). Start one with \`solo up\` (with the same --data-dir), or pass --nats <url> (or set SOLO_NATS_URL) to reach a running node.`,
      { details: { data_dir: g.dataDir } },
    );
  }
  return info.nats_url;
}

/** Connects, runs `fn`, and closes the client whatever happens. */
export async function withClient<T>(g: ResolvedGlobalOptions, fn: (client: SoloClient) => Promise<T>): Promise<T> {
  const opts: Parameters<typeof connectSolo>[0] = { natsUrl: resolveNatsUrl(g), tenant: g.tenant, name: 'solo-cli' };
  if (g.token !== undefined) opts.token = g.token;
  const client = await connectSolo(opts);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
