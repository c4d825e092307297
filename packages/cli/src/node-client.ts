// Opens the SDK client a command uses. Where: --nats / SOLO_NATS_URL, else the credentials' nats_url, else the
// local node.json. As whom: the token of --token / SOLO_TOKEN, else of the credentials file, else of the local
// operator credentials (`<data dir>/operator.credentials.json`); the NATS nkey user and inbox prefix come from
// the credentials file, else from the operator's.
import { SoloError } from '@solo/protocol';
import type { SoloCredentials } from '@solo/protocol';
import { connectSolo, connectSoloAdmin, readNodeInfo, readOperatorCredentials, OPERATOR_CREDENTIALS_FILE } from '@solo/sdk';
import type { SoloAdminClient, SoloClient } from '@solo/sdk';
import type { ResolvedGlobalOptions } from './global-options.ts';

/** How to reach the node and who to be there. */
export interface NodeConnection {
  natsUrl: string;
  token: string | undefined;
  nkeySeed: string | undefined;
  inboxPrefix: string | undefined;
}

/** What {@link resolveNodeConnection} reads from the data dir (passed in so tests need no node). */
export interface NodeLookup {
  /** NATS URL of the live node owning the data dir, or null. */
  nodeUrl(dataDir: string): string | null;
  /** The operator's credentials in the data dir, or null. */
  operatorCredentials(dataDir: string): SoloCredentials | null;
}

const LOCAL: NodeLookup = {
  nodeUrl: (dataDir) => readNodeInfo(dataDir)?.nats_url ?? null,
  operatorCredentials: readOperatorCredentials,
};

/** Where to reach the node. @throws `unavailable` when no URL is given and no live node owns the data dir */
export function resolveNatsUrl(g: ResolvedGlobalOptions, lookup: NodeLookup = LOCAL): { url: string; local: boolean } {
  const given = g.natsUrl ?? g.credentials?.creds.nats_url;
  if (given !== undefined) return { url: given, local: false };
  const url = lookup.nodeUrl(g.dataDir);
  if (url === null) {
    throw new SoloError(
      'unavailable',
      `No Solo node is running on data dir ${g.dataDir} (no live node.json there). Start one with \`solo up\` (with the same --data-dir), or pass --nats <url> (or set SOLO_NATS_URL) to reach a running node.`,
      { details: { data_dir: g.dataDir } },
    );
  }
  return { url, local: true };
}

/**
 * The URL, token and NATS user of a command. The local operator credentials are used only for the node they
 * belong to (its node.json named the URL, or their nats_url is the URL), so the admin token is never sent to
 * a server someone pointed --nats at.
 * @throws `unavailable` (no node), `invalid_request` (operator credentials file unusable)
 */
export function resolveNodeConnection(g: ResolvedGlobalOptions, lookup: NodeLookup = LOCAL): NodeConnection {
  const { url, local } = resolveNatsUrl(g, lookup);
  const explicit = g.credentials?.creds;
  let operator: SoloCredentials | null = null;
  if (explicit === undefined) {
    const found = lookup.operatorCredentials(g.dataDir);
    if (found !== null && (local || found.nats_url === url)) operator = found;
  }
  const creds = explicit ?? operator ?? undefined;
  return { natsUrl: url, token: g.token ?? creds?.token, nkeySeed: creds?.nats?.seed, inboxPrefix: creds?.nats?.inbox_prefix };
}

function connectionOptions(c: NodeConnection): { natsUrl: string; token?: string; nkeySeed?: string; inboxPrefix?: string; name: string } {
  const opts: { natsUrl: string; token?: string; nkeySeed?: string; inboxPrefix?: string; name: string } = { natsUrl: c.natsUrl, name: 'solo-cli' };
  if (c.token !== undefined) opts.token = c.token;
  if (c.nkeySeed !== undefined) opts.nkeySeed = c.nkeySeed;
  if (c.inboxPrefix !== undefined) opts.inboxPrefix = c.inboxPrefix;
  return opts;
}

/** Connects as the tenant of `g`, runs `fn`, and closes the client whatever happens. */
export async function withClient<T>(g: ResolvedGlobalOptions, fn: (client: SoloClient) => Promise<T>): Promise<T> {
  const client = await connectSolo({ ...connectionOptions(resolveNodeConnection(g)), tenant: g.tenant });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/**
 * Connects as the operator, runs `fn`, and closes the client whatever happens.
 * @throws `unauthorized` when no token is at hand (no --token, SOLO_TOKEN, credentials or local operator file)
 */
export async function withAdminClient<T>(g: ResolvedGlobalOptions, fn: (client: SoloAdminClient) => Promise<T>): Promise<T> {
  const c = resolveNodeConnection(g);
  if (c.token === undefined) {
    throw new SoloError(
      'unauthorized',
      `Operator commands need the admin token, and none was found: no --token, SOLO_TOKEN or --credentials, and no ${OPERATOR_CREDENTIALS_FILE} in ${g.dataDir} for the node at ${c.natsUrl}. Run on the node's machine with its --data-dir, or pass --credentials <operator credentials file>.`,
      { details: { data_dir: g.dataDir } },
    );
  }
  const client = await connectSoloAdmin(connectionOptions(c));
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
