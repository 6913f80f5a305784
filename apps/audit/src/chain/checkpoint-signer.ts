import type { KeyObject } from 'node:crypto';

/** A signature and the versioned id of the key that made it. */
export interface CheckpointSignature {
  signature: string;
  keyId: string;
}

/**
 * Signs checkpoints and finds the public key of a signature's key id. An abstract class so it is its
 * own DI token: Key Vault in Azure (the private key never leaves the vault), a local key file on a
 * laptop.
 */
export abstract class CheckpointSigner {
  /** ES256 over `payload`; the signature is base64url (r||s). */
  abstract sign(payload: Buffer): Promise<CheckpointSignature>;

  /** The public key for `keyId`, or undefined when `keyId` is not a version of this signer's key. */
  abstract publicKey(keyId: string): Promise<KeyObject | undefined>;
}
