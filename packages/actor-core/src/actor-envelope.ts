// One queued message of an actor cell (call, cast or info) and the settling of its promise, exactly once.
import { AsyncResource } from 'node:async_hooks';
import type { Json, SoloError } from '@solo/protocol';
import type { MailboxSlot } from './mailbox.ts';

/** What a message asks of the incarnation. */
export type EnvelopeKind = 'call' | 'cast' | 'info';

/** A message in an actor's mailbox, or in flight. */
export interface Envelope {
  kind: EnvelopeKind;
  message: Json;
  resolve(value: Json): void;
  reject(error: SoloError): void;
  settled: boolean;
  /** Incarnations this message has crashed so far (casts are retried). */
  attempts: number;
  slot: MailboxSlot<Envelope> | null;
  deadline: ReturnType<typeof setTimeout> | undefined;
  /**
   * The async context of the sender. The handler runs in it, so async-local state (the active trace span)
   * belongs to this message and not to whichever earlier message happened to start the mailbox loop.
   */
  scope: AsyncResource;
  /** A number the owner gave the message (the mailbox sequence of a durable cast), reported once it is handled. */
  tag?: number;
}

/** A fresh, unsettled envelope. */
export function createEnvelope(kind: EnvelopeKind, message: Json, resolve: (v: Json) => void, reject: (e: SoloError) => void): Envelope {
  return { kind, message, resolve, reject, settled: false, attempts: 0, slot: null, deadline: undefined, scope: new AsyncResource('SoloActorMessage') };
}

/** Resolves the envelope's promise unless it already settled (a call may have timed out). */
export function resolveEnvelope(env: Envelope, value: Json): void {
  if (env.settled) return;
  env.settled = true;
  clearTimeout(env.deadline);
  env.resolve(value);
}

/** Rejects the envelope's promise unless it already settled. */
export function rejectEnvelope(env: Envelope, error: SoloError): void {
  if (env.settled) return;
  env.settled = true;
  clearTimeout(env.deadline);
  env.reject(error);
}
