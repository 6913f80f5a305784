import { createHash } from 'node:crypto';

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

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members left out. For the values a
 * record holds (strings, integers, nested objects) this equals RFC 8785 (JCS), so anyone can
 * recompute a hash from the record as the API returns it.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(
        ([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`,
      );
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical content, which includes the sequence and the previous hash. */
export const chainHash = (content: ChainedContent): string =>
  createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
