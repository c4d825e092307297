// Connection options for a nats.js client that logs in as one Solo NATS user.
import { nkeyAuthenticator, type Authenticator } from 'nats';
import type { NatsUserCredentials } from './nats-authority.ts';

/**
 * Options to spread into nats.js `connect()`: the nkey authenticator and the inbox prefix the user is allowed
 * to subscribe to (without it every request fails with a permissions violation on `_INBOX.>`).
 */
export function natsAuthOptions(c: NatsUserCredentials): { authenticator: Authenticator; inboxPrefix: string } {
  return { authenticator: nkeyAuthenticator(new TextEncoder().encode(c.seed)), inboxPrefix: c.inbox_prefix };
}
