// A live tail over a private NATS inbox: yields items, answers the node's heartbeats, stops on request.
import type { Msg, Subscription } from 'nats';
import { HEADERS, SoloError, fromWireError } from '@solo/protocol';
import type { Follow } from '../solo-client.ts';

/** What a follow needs from its client; the client sends the requests so headers and errors stay uniform. */
export interface FollowLink {
  /** Resolves with the follow id once the node accepted the follow request. */
  readonly started: Promise<string>;
  /** Sends `follow_stop`. */
  stopRemote(followId: string): Promise<void>;
  /** Called once when the follow is over, so the client forgets it. */
  onStopped(): void;
}

function isHeartbeat(msg: Msg): boolean {
  return msg.headers?.get(HEADERS.followHeartbeat) === '1';
}

/** A {@link Follow} reading one subscription. Created by the client, which subscribed before asking the node. */
export class NatsFollow<T> implements Follow<T> {
  readonly #sub: Subscription;
  readonly #link: FollowLink;
  #stopping: Promise<void> | undefined;
  #iterated = false;
  /** Which NATS server the follow reads from, for the error when the connection goes away. */
  readonly #natsUrl: string;

  constructor(sub: Subscription, link: FollowLink, opts: { natsUrl: string }) {
    this.#sub = sub;
    this.#link = link;
    this.#natsUrl = opts.natsUrl;
    // A failed start surfaces from the iteration; this handler only keeps it from being reported as unhandled
    // when nobody iterates.
    link.started.catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) {
      throw new SoloError('invalid_request', 'A follow can be iterated only once. Start another follow to read again.');
    }
    this.#iterated = true;
    try {
      await this.#link.started;
      for await (const msg of this.#sub) {
        if (isHeartbeat(msg)) {
          // The node ends a follow whose heartbeat nobody answers, so answering is what keeps it alive.
          msg.respond();
          continue;
        }
        if (msg.headers?.get(HEADERS.followEnd)) {
          // The node ended the follow itself (shutdown, stream gone): with a reason it is an error, else the end.
          this.#stopping ??= Promise.resolve();
          if (msg.data.length > 0) throw fromWireError(decodeItem<unknown>(msg));
          return;
        }
        yield decodeItem<T>(msg);
      }
      // The subscription also ends when the connection closes for good; only a stop() is a normal end.
      if (this.#stopping === undefined) {
        throw new SoloError(
          'unavailable',
          `The follow ended because the connection to NATS at ${this.#natsUrl} closed. Start a new follow once the node is reachable.`,
        );
      }
    } finally {
      await this.stop();
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stopOnce();
    return this.#stopping;
  }

  async #stopOnce(): Promise<void> {
    try {
      const followId = await this.#link.started;
      await this.#link.stopRemote(followId);
    } catch {
      // Stopping must succeed locally whatever the node says: a follow that never started, a node that is
      // gone or one that already dropped the follow all end the same way, and the node drops any follow
      // whose heartbeat goes unanswered once the inbox below is unsubscribed.
    } finally {
      if (!this.#sub.isClosed()) this.#sub.unsubscribe();
      this.#link.onStopped();
    }
  }
}

function decodeItem<T>(msg: Msg): T {
  try {
    return msg.json<T>();
  } catch (err) {
    throw new SoloError(
      'internal',
      `The node sent a follow item that is not JSON (${msg.data.length} bytes, seq ${msg.headers?.get(HEADERS.streamSeq) ?? '?'}).`,
      {
        cause: err,
      },
    );
  }
}
