// Inputs of the code-change verbs (swap, replace, rollback) and the port through which the code-change
// logic reaches the kernel's runtime: events, artifacts, sandbox, locks and the supervisor.
import type { ActorHost, ActorSandbox, SandboxedActor } from '@solo/actor-core';
import type { EventInput, ExitReason, ServiceId } from '@solo/protocol';
import type { LocalStore } from '@solo/store';
import type { DurableSupport } from '../durable/durable-support.ts';
import type { KernelLogger, RequestMeta } from '../kernel-types.ts';
import type { ServiceEntry } from '../service-entry.ts';

/** A validated swap request. */
export interface SwapInput {
  service: ServiceId;
  source: string;
  filename: string;
  /** 0 closes the watchdog window at once. */
  rollbackWindowMs: number;
}

/** A validated replace request. */
export interface ReplaceInput {
  service: ServiceId;
  source: string;
  filename: string;
}

/** A validated rollback request. */
export interface RollbackInput {
  service: ServiceId;
  /** A version from the history; the previous one when omitted. */
  toVersion: number | undefined;
}

/** What the code-change logic needs from the kernel. */
export interface CodeChangePort {
  readonly sandbox: ActorSandbox;
  readonly local: LocalStore;
  readonly durable: DurableSupport;
  readonly log: KernelLogger;
  now(): number;
  /** Appends an event; the kernel state (and so `entry.record`) reflects it when this resolves. */
  append(ev: Omit<EventInput, 'at'>, meta: RequestMeta): Promise<number>;
  /** The `ctx` host of a service's incarnations. */
  hostFor(entry: ServiceEntry): ActorHost;
  /** True while `entry` is the registered entry of its service (not killed meanwhile). */
  isCurrent(entry: ServiceEntry): boolean;
  /** Runs `fn` under the service's lock, so deploy, kill and code changes of one service never interleave. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Ends the running incarnation of `entry` (keeping its mailbox) and starts `next` as a fresh child. */
  restartOn(entry: ServiceEntry, next: SandboxedActor): Promise<void>;
  /** A crash the watchdog could not roll back goes to the supervisor after all. */
  reportCrash(entry: ServiceEntry, reason: ExitReason): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}
