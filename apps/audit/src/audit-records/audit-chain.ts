import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/shared/json';

/** The previous-hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Claims about a caller that could not be verified. */
export interface UnverifiedCallerContent {
  actor?: string;
  clientAddress?: string;
}

/**
 * What a record's hash covers: all of its content, its place in the chain, and its predecessor.
 * `patientIds` and `outcome` are optional only because records older than them lack them; absent
 * members are left out of the canonical JSON, so old records keep their hashes.
 */
export interface ChainedContent {
  sequence: number;
  previousHash: string;
  id: string;
  createdDate: string;
  sourceSystemName: string;
  resource: { type: string; id?: string; operation: string };
  patientIds?: string[];
  outcome?: number | 'attempted';
  attemptId?: string;
  correlationId: string;
  actor?: string;
  clientAddress?: string;
  unverified?: UnverifiedCallerContent;
  onBehalfOf?: {
    actor?: string;
    clientAddress?: string;
    unverified?: UnverifiedCallerContent;
  };
}

/** SHA-256 (hex) of the canonical content, which includes the sequence and the previous hash. */
export const chainHash = (content: ChainedContent): string =>
  createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
