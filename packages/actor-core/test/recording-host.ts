// Test helper: an ActorHost that records what a service did through ctx and answers ctx.call with a function.
import { SoloError, type Json } from '@solo/protocol';
import type { Actor, ActorHost, LogLevel } from '../src/index.ts';

export class RecordingHost implements ActorHost {
  readonly logs: Array<{ level: LogLevel; message: string; data: Json | undefined }> = [];
  readonly emits: Array<{ type: string; payload: Json | undefined }> = [];
  readonly casts: Array<{ target: string; message: Json }> = [];
  readonly calls: Array<{ target: string; message: Json; timeoutMs: number }> = [];
  /** Answers ctx.call; rejects by default. */
  answer: (target: string, message: Json) => Promise<Json> = () => Promise.reject(new Error('no answer configured'));
  /** Where ctx.setTimer goes, as the kernel would wire it. */
  actor: Actor | null = null;

  log(level: LogLevel, message: string, data: Json | undefined): void {
    this.logs.push({ level, message, data });
  }
  call(target: string, message: Json, opts: { timeoutMs: number }): Promise<Json> {
    this.calls.push({ target, message, timeoutMs: opts.timeoutMs });
    return this.answer(target, message);
  }
  async cast(target: string, message: Json): Promise<void> {
    this.casts.push({ target, message });
  }
  emit(type: string, payload: Json | undefined): void {
    this.emits.push({ type, payload });
  }
  setTimer(ms: number, message: Json, _opts?: { durable: boolean }): string {
    if (this.actor === null) throw new Error('no actor wired for timers');
    return this.actor.setTimer(ms, message);
  }
  cancelTimer(id: string): boolean {
    return this.actor?.cancelTimer(id) ?? false;
  }
  readonly links: Array<{ op: 'monitor' | 'demonitor' | 'link' | 'unlink'; target: string }> = [];
  monitor(target: string): string {
    this.links.push({ op: 'monitor', target });
    return `ref-${this.links.length}`;
  }
  demonitor(ref: string): boolean {
    this.links.push({ op: 'demonitor', target: ref });
    return true;
  }
  link(target: string): void {
    if (target === 'ghost') throw new SoloError('not_found', `Service '${target}' is not deployed.`);
    this.links.push({ op: 'link', target });
  }
  unlink(target: string): void {
    this.links.push({ op: 'unlink', target });
  }
  /** What ctx.secret reads; a missing name rejects with not_found, as the kernel's vault would. */
  readonly secrets = new Map<string, string>();
  async secret(name: string): Promise<string> {
    const v = this.secrets.get(name);
    if (v === undefined) throw new SoloError('not_found', `No secret '${name}'.`);
    return v;
  }
  /** As the kernel wires it: the actor ends after the current handler. */
  exit(reason: 'normal' | 'shutdown'): void {
    this.actor?.requestExit(reason);
  }
}
