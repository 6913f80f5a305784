import { createPublicKey, KeyObject } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type {
  CryptographyClientOptions,
  KeyClient,
} from '@azure/keyvault-keys';
import { CHECKPOINT_ALGORITHM, payloadDigest } from './checkpoint';
import { CheckpointSignature, CheckpointSigner } from './checkpoint-signer';

const base64url = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('base64url');

/**
 * Signs with a Key Vault key (CHECKPOINT_KEY_ID, versionless, so a rotated key is picked up): the
 * digest goes to the vault and the signature comes back; the private key never leaves it. The app's
 * identity needs only `keys/read` (the current version and the public parts) and `keys/sign/action`.
 */
export class KeyVaultCheckpointSigner extends CheckpointSigner {
  private readonly publicKeys = new Map<string, Promise<KeyObject>>();
  private readonly keyName: string;
  private readonly vaultUrl: string;
  private keys?: Promise<KeyClient>;
  private credentialPromise?: Promise<TokenCredential>;

  constructor(
    private readonly keyId: string,
    private readonly credential: () => Promise<TokenCredential>,
    private readonly options: CryptographyClientOptions = {},
  ) {
    super();
    const url = new URL(keyId);
    this.vaultUrl = url.origin;
    this.keyName = url.pathname.split('/')[2];
  }

  /**
   * Reads the key's current version first and signs with exactly that version, so the key id in the
   * checkpoint is the one that signed, also across a rotation.
   */
  async sign(payload: Buffer): Promise<CheckpointSignature> {
    const current = await (await this.keyClient()).getKey(this.keyName);
    const { CryptographyClient } = await import('@azure/keyvault-keys');
    const client = new CryptographyClient(
      current,
      await this.credentialOnce(),
      this.options,
    );
    const result = await client.sign(
      CHECKPOINT_ALGORITHM,
      payloadDigest(payload),
    );
    return {
      signature: Buffer.from(result.result).toString('base64url'),
      keyId: current.id ?? this.keyId,
    };
  }

  publicKey(keyId: string): Promise<KeyObject | undefined> {
    const version = this.versionOf(keyId);
    if (version === undefined) {
      return Promise.resolve(undefined);
    }
    let key = this.publicKeys.get(keyId);
    if (!key) {
      key = this.fetchPublicKey(version);
      // A failed read is not remembered, so the next verify tries again.
      key.catch(() => this.publicKeys.delete(keyId));
      this.publicKeys.set(keyId, key);
    }
    return key;
  }

  /** The version in `keyId` when it names a version of this signer's key in this vault. */
  private versionOf(keyId: string): string | undefined {
    const prefix = `${this.vaultUrl}/keys/${this.keyName}/`;
    if (!keyId.startsWith(prefix)) {
      return undefined;
    }
    const version = keyId.slice(prefix.length);
    return /^[0-9a-zA-Z]{1,64}$/.test(version) ? version : undefined;
  }

  private async fetchPublicKey(version: string): Promise<KeyObject> {
    const { key } = await (
      await this.keyClient()
    ).getKey(this.keyName, { version });
    return createPublicKey({
      key: {
        kty: key?.kty,
        crv: key?.crv,
        x: base64url(key?.x),
        y: base64url(key?.y),
      },
      format: 'jwk',
    });
  }

  // The SDK is loaded on first use: it adds to every cold start, and most local runs never sign.
  private keyClient(): Promise<KeyClient> {
    this.keys ??= (async () => {
      const { KeyClient } = await import('@azure/keyvault-keys');
      return new KeyClient(
        this.vaultUrl,
        await this.credentialOnce(),
        this.options,
      );
    })();
    return this.keys;
  }

  private credentialOnce(): Promise<TokenCredential> {
    this.credentialPromise ??= this.credential();
    return this.credentialPromise;
  }
}
