// Starting one incarnation of a service: spawn it in a sandbox and run its init, so the owner gets either a
// ready incarnation or an error, never a half-started one.
import type { Json } from '@solo/protocol';
import type { ActorHost, ActorSandbox, SandboxedActor, SpawnSpec } from './sandbox.ts';

/**
 * Spawns an incarnation and runs `init(args)`.
 * @throws what `spawn` throws (`rejected_code`, `service_crashed`); `service_crashed` when init crashes, after
 * disposing the incarnation.
 */
export async function startIncarnation(sandbox: ActorSandbox, spec: SpawnSpec, host: ActorHost, args: Json): Promise<SandboxedActor> {
  const instance = await sandbox.spawn(spec, host);
  try {
    await instance.init(args);
  } catch (err) {
    instance.dispose();
    throw err;
  }
  return instance;
}
