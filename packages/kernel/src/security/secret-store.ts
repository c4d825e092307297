// The port through which the kernel reaches the secrets vault (`SecretVault` implements it), so the kernel's
// verbs and `ctx.secret` do not depend on how values are encrypted and stored.
import type { SecretInfo } from '@solo/protocol';

/** Encrypted secrets per tenant. Values leave only through `get`. */
export interface SecretStore {
  set(tenant: string, name: string, value: string): SecretInfo;
  /** @throws `not_found` */
  get(tenant: string, name: string): string;
  exists(tenant: string, name: string): boolean;
  list(tenant: string): SecretInfo[];
  delete(tenant: string, name: string): boolean;
  deleteTenant(tenant: string): number;
  rotateMaster(): { rewrapped: number; master_key_id: string };
  readonly masterKeyId: string;
}
