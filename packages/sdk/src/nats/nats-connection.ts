// Opens the NATS connection of a Solo client, logged in as its nkey user when it has one.
import { connect, nkeyAuthenticator } from 'nats';
import type { ConnectionOptions as NatsConnectOptions, NatsConnection } from 'nats';
import type { ResolvedConnectionOptions } from '../connection-options.ts';
import { translateConnectError } from './nats-error.ts';

/**
 * Connects to `o.natsUrl`. With a seed the client authenticates as that nkey user; with an inbox prefix its
 * reply subjects use it (a tenant's user may subscribe only under `_INBOX_<tenant>`).
 * @throws `unavailable` when NATS cannot be reached, `unauthorized` when it refuses the credentials
 */
export async function openNatsConnection(o: ResolvedConnectionOptions): Promise<NatsConnection> {
  const opts: NatsConnectOptions = { servers: o.natsUrl, name: o.name, timeout: o.requestTimeoutMs };
  if (o.nkeySeed !== undefined) opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(o.nkeySeed));
  if (o.inboxPrefix !== undefined) opts.inboxPrefix = o.inboxPrefix;
  try {
    return await connect(opts);
  } catch (err) {
    throw translateConnectError(err, o.natsUrl);
  }
}
