// Typed access to the nkeys that nats.js ships (it exports `nkeys` untyped): create a user key pair, check a
// public key, derive the public key of a seed.
import { nkeys as untypedNkeys } from 'nats';

interface KeyPair {
  getPublicKey(): string;
  getSeed(): Uint8Array;
}
interface Nkeys {
  createUser(): KeyPair;
  fromSeed(seed: Uint8Array): KeyPair;
  fromPublic(publicKey: string): KeyPair;
}
const nkeys = untypedNkeys as Nkeys;

/** A user nkey: the public key (`U…`) the server holds and the seed (`SU…`) only the client holds. */
export interface UserKey {
  user: string;
  seed: string;
}

/** A fresh random user key pair. */
export function createUserKey(): UserKey {
  const kp = nkeys.createUser();
  return { user: kp.getPublicKey(), seed: new TextDecoder().decode(kp.getSeed()) };
}

/** The public key of a user seed, or null when `seed` is not a user seed. */
export function userPublicKeyOf(seed: string): string | null {
  if (!seed.startsWith('SU')) return null;
  try {
    const pub = nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey();
    return pub.startsWith('U') ? pub : null;
  } catch {
    return null;
  }
}

/** True when `key` is a well-formed user public key (`U…` with a valid checksum). */
export function isUserPublicKey(key: unknown): key is string {
  if (typeof key !== 'string' || !key.startsWith('U')) return false;
  try {
    nkeys.fromPublic(key);
    return true;
  } catch {
    return false;
  }
}
