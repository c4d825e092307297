// Translates errors of the `nats` library into SoloErrors with a message that says what to do.
import { ErrorCode as NatsCode, NatsError } from 'nats';
import { SoloError } from '@solo/protocol';

/** What was being attempted when NATS failed, for the message. */
export interface NatsFailureContext {
  natsUrl: string;
  /** Tenant the request acts for; null for the operator API. */
  tenant: string | null;
  /** E.g. "Request 'list'" or "Call to service 'counter'". */
  what: string;
  timeoutMs: number;
}

function startHint(natsUrl: string): string {
  return `Start one with \`solo up\`, or point natsUrl (\`--nats\` in the CLI) at the NATS of a running node instead of ${natsUrl}.`;
}

/** Maps a failure of `connect()`. */
export function translateConnectError(err: unknown, natsUrl: string): SoloError {
  if (err instanceof NatsError && (err.isAuthError() || err.code === NatsCode.AuthorizationViolation)) {
    return new SoloError(
      'unauthorized',
      `NATS at ${natsUrl} refused the connection credentials (${err.message}). A Solo node's embedded NATS accepts only its nkey users: pass the credentials file \`solo tenant create\` wrote (--credentials, SOLO_CREDENTIALS or the credentials option), and check that the tenant's NATS user was not rotated (\`solo tenant rotate-nats\`).`,
      { cause: err },
    );
  }
  const why = err instanceof Error ? err.message : String(err);
  return new SoloError(
    'unavailable',
    `Cannot connect to NATS at ${natsUrl} (${why}). No Solo node is reachable there. ${startHint(natsUrl)}`,
    {
      cause: err,
      details: { nats_url: natsUrl },
    },
  );
}

/** Maps a failure of a request on an open connection. */
export function translateRequestError(err: unknown, ctx: NatsFailureContext): SoloError {
  if (!(err instanceof NatsError)) {
    const why = err instanceof Error ? err.message : String(err);
    return new SoloError('internal', `${ctx.what} failed inside the NATS client (${why}).`, { cause: err });
  }
  switch (err.code) {
    case NatsCode.NoResponders:
      return new SoloError(
        'unavailable',
        `No Solo node answers on ${ctx.natsUrl} for ${ctx.tenant === null ? 'the operator API' : `tenant '${ctx.tenant}'`}. ${startHint(ctx.natsUrl)}`,
        {
          cause: err,
          details: { nats_url: ctx.natsUrl },
        },
      );
    case NatsCode.Timeout:
      return new SoloError(
        'timeout',
        `${ctx.what} got no reply within ${ctx.timeoutMs} ms. The node may be overloaded or the handler slow: retry, or raise the timeout.`,
        {
          cause: err,
          details: { timeout_ms: ctx.timeoutMs },
        },
      );
    case NatsCode.MaxPayloadExceeded:
      return new SoloError(
        'limit_exceeded',
        `${ctx.what} is larger than the NATS server's max_payload. Send a smaller body.`,
        { cause: err },
      );
    case NatsCode.PermissionsViolation:
    case NatsCode.AuthorizationViolation:
      if (/subscription/i.test(err.message)) {
        // The reply inbox is outside what the NATS user may subscribe to: a tenant user needs its own prefix.
        return new SoloError(
          'forbidden',
          `NATS does not let this connection subscribe to its reply inbox (${err.message}). Set inboxPrefix to the NATS user's inbox prefix (the credentials' nats.inbox_prefix, e.g. _INBOX_<tenant>), or pass the whole credentials.`,
          { cause: err, details: { field: 'inboxPrefix' } },
        );
      }
      return new SoloError(
        'forbidden',
        ctx.tenant === null
          ? `NATS does not allow this connection to reach the operator API (${err.message}). Use the operator's credentials.`
          : `NATS does not allow this connection to reach tenant '${ctx.tenant}' (${err.message}). Use credentials of that tenant (and its inbox prefix).`,
        {
          cause: err,
        },
      );
    case NatsCode.ConnectionClosed:
    case NatsCode.ConnectionDraining:
      return new SoloError(
        'unavailable',
        `${ctx.what} was not sent: the connection to ${ctx.natsUrl} is closed. Open a new client with connectSolo().`,
        {
          cause: err,
        },
      );
    default:
      return new SoloError(
        'unavailable',
        `${ctx.what} failed on NATS at ${ctx.natsUrl} (${err.code}: ${err.message}). Retry once the node is reachable.`,
        {
          cause: err,
        },
      );
  }
}
