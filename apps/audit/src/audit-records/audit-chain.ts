import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/shared';

/** The previous-hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a record's hash covers: all of its content, its place in the chain, and its predecessor. */
export interface ChainedContent {
  sequence: number;
  previousHash: string;
  id: string;
  createdDate: string;
  sourceSystemName: string;
  resource: { type: string; id?: string; operation: string };
  correlationId: string;
  actor?: string;
  clientAddress?: string;
}

/** SHA-256 (hex) of the canonical content, which includes the sequence and the previous hash. */
export const chainHash = (content: ChainedContent): string =>
  createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
