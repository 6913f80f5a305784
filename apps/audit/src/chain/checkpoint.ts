import {
  createHash,
  createPublicKey,
  JsonWebKey,
  KeyObject,
  verify,
} from 'node:crypto';
import { canonicalJson } from '@app/shared/json';
import { z } from 'zod';

/**
 * ECDSA P-256 with SHA-256. Key Vault returns the signature as r||s (IEEE P1363), which is also what
 * JWS uses, so any JOSE library or `openssl` (after conversion) can check it.
 */
export const CHECKPOINT_ALGORITHM = 'ES256';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A signed statement "the chain's record `sequence` had hash `hash` at `createdDate`", kept outside
 * the database. `keyId` is the signing key's versioned id, so checkpoints stay checkable after the
 * key is rotated.
 */
export const checkpointSchema = z.strictObject({
  sequence: z.int().min(1).describe('The head sequence that was signed'),
  hash: sha256Hex.describe('The hash of the record at that sequence'),
  createdDate: z.iso.datetime().describe('When it was signed'),
  algorithm: z.literal(CHECKPOINT_ALGORITHM),
  keyId: z
    .string()
    .min(1)
    .max(512)
    .describe(
      'The signing key (a versioned Key Vault key id, or local:<fingerprint>)',
    ),
  signature: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,1024}$/)
    .describe('base64url ES256 signature of the signed payload'),
});
export type Checkpoint = z.output<typeof checkpointSchema>;

/** What is signed: the checkpoint's statement, with a type so the signature cannot be reused elsewhere. */
export function signedPayload(
  checkpoint: Pick<Checkpoint, 'sequence' | 'hash' | 'createdDate'>,
): Buffer {
  return Buffer.from(
    canonicalJson({
      type: 'audit-checkpoint',
      sequence: checkpoint.sequence,
      hash: checkpoint.hash,
      createdDate: checkpoint.createdDate,
    }),
    'utf8',
  );
}

/** SHA-256 of the payload: Key Vault signs a digest, never the data itself. */
export const payloadDigest = (payload: Buffer): Buffer =>
  createHash('sha256').update(payload).digest();

/** Whether `checkpoint` carries a valid signature by `publicKey`. */
export function hasValidSignature(
  checkpoint: Checkpoint,
  publicKey: KeyObject,
): boolean {
  try {
    return verify(
      'sha256',
      signedPayload(checkpoint),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(checkpoint.signature, 'base64url'),
    );
  } catch {
    // A key of another type, or a signature of the wrong length: not a valid signature either way.
    return false;
  }
}

/** A public key from PEM (what `az keyvault key download` writes) or from a JWK in JSON. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  return trimmed.startsWith('{')
    ? createPublicKey({
        key: JSON.parse(trimmed) as JsonWebKey,
        format: 'jwk',
      })
    : createPublicKey(trimmed);
}

/** The name a checkpoint is stored under: sorts newest first, and says its sequence. */
export function checkpointName(sequence: number): string {
  const descending = String(Number.MAX_SAFE_INTEGER - sequence).padStart(
    16,
    '0',
  );
  return `${descending}-${sequence}.json`;
}

/** Matches names made by {@link checkpointName}, nothing else in the folder or container. */
export const CHECKPOINT_NAME = /^\d{16}-[1-9]\d*\.json$/;
