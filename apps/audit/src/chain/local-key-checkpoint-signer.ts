import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
} from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointSignature, CheckpointSigner } from './checkpoint-signer';

export const LOCAL_PRIVATE_KEY_FILE = 'local-signing-key.pem';
export const LOCAL_PUBLIC_KEY_FILE = 'local-signing-key.pub.pem';

/**
 * For a laptop without Key Vault: an EC P-256 key kept in a file beside the checkpoints (created on
 * first start, readable only by its owner), its public half beside it for `npm run audit:verify`.
 * It shows accidental damage and exercises the whole path, but anyone who can read the folder can
 * forge checkpoints: it is never used when CHECKPOINT_KEY_ID is set, and the app says so at start-up.
 */
export class LocalKeyCheckpointSigner extends CheckpointSigner {
  private readonly privateKey: KeyObject;
  private readonly ownPublicKey: KeyObject;
  readonly keyId: string;

  constructor(dir: string) {
    super();
    mkdirSync(dir, { recursive: true });
    this.privateKey = createPrivateKey(loadOrCreate(dir));
    this.ownPublicKey = createPublicKey(this.privateKey);
    const fingerprint = createHash('sha256')
      .update(this.ownPublicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 16);
    this.keyId = `local:${fingerprint}`;
    writeFileSync(
      join(dir, LOCAL_PUBLIC_KEY_FILE),
      this.ownPublicKey.export({ type: 'spki', format: 'pem' }),
    );
  }

  sign(payload: Buffer): Promise<CheckpointSignature> {
    const signature = sign('sha256', payload, {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return Promise.resolve({
      signature: signature.toString('base64url'),
      keyId: this.keyId,
    });
  }

  publicKey(keyId: string): Promise<KeyObject | undefined> {
    return Promise.resolve(
      keyId === this.keyId ? this.ownPublicKey : undefined,
    );
  }
}

function loadOrCreate(dir: string): string {
  const file = join(dir, LOCAL_PRIVATE_KEY_FILE);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  try {
    // Exclusive: when two instances start at once, the second reads the first one's key.
    writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return readFileSync(file, 'utf8');
    }
    throw error;
  }
}
