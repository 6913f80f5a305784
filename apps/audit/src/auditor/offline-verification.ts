import type { KeyObject } from 'node:crypto';
import {
  chainHash,
  ChainedContent,
  GENESIS_HASH,
} from '../audit-records/audit-chain';
import { Checkpoint, hasValidSignature } from '../chain/checkpoint';
import {
  checkAgainstCheckpoints,
  CheckpointFinding,
} from '../chain/checkpoint-check';
import type { StoredCheckpoint } from '../chain/checkpoint-store';

/** A record as the API exports it: its hashed content plus `hash`. */
export interface ExportedRecord extends Record<string, unknown> {
  sequence: number;
  previousHash: string;
  hash: string;
}

/** What an auditor learns from an export and the checkpoints. */
export interface OfflineReport {
  valid: boolean;
  /** The lowest and highest sequence in the export (0 and 0 when empty). */
  first: number;
  last: number;
  /** Records whose hash and link were checked before the first break (or all of them). */
  checked: number;
  chainBreak?: {
    sequence: number;
    reason: 'record-changed' | 'record-missing' | 'duplicate';
  };
  finding: CheckpointFinding;
  /** The export's hash at the compared checkpoint's sequence, when it has that record. */
  exportedHashAtCheckpoint?: string;
  checkpointsFound: number;
}

/**
 * Checks an exported chain without the service: every record's hash recomputed from its content, each
 * link to its predecessor, no gap, and the chain against the signed checkpoints, whose signatures are
 * checked with the given public keys only.
 */
export async function verifyOffline(
  records: ExportedRecord[],
  checkpoints: StoredCheckpoint[],
  publicKeys: KeyObject[],
): Promise<OfflineReport> {
  const sorted = [...records].sort((a, b) => a.sequence - b.sequence);
  const bySequence = new Map(sorted.map((record) => [record.sequence, record]));
  const first = sorted[0]?.sequence ?? 0;
  const last = sorted.at(-1)?.sequence ?? 0;

  let checked = 0;
  let chainBreak: OfflineReport['chainBreak'];
  if (bySequence.size !== sorted.length) {
    const duplicate = sorted.find(
      (record, index) => sorted[index + 1]?.sequence === record.sequence,
    )!;
    chainBreak = { sequence: duplicate.sequence, reason: 'duplicate' };
  }
  // An export that starts later than 1 is anchored on its first record's previous hash.
  let previousHash = first === 1 ? GENESIS_HASH : sorted[0]?.previousHash;
  for (let sequence = first; !chainBreak && sequence <= last; sequence++) {
    const record = bySequence.get(sequence);
    if (!record) {
      chainBreak = { sequence, reason: 'record-missing' };
      break;
    }
    const { hash, ...content } = record;
    if (
      record.previousHash !== previousHash ||
      chainHash(content as unknown as ChainedContent) !== hash
    ) {
      chainBreak = { sequence, reason: 'record-changed' };
      break;
    }
    previousHash = hash;
    checked++;
  }

  // A partial export cannot speak for checkpoints of records before it.
  const relevant = checkpoints.filter(
    (stored) => !stored.checkpoint || stored.checkpoint.sequence >= first,
  );
  const finding = await checkAgainstCheckpoints({
    newestFirst: relevant,
    complete: true,
    headSequence: last,
    hashAt: (sequence) => Promise.resolve(bySequence.get(sequence)?.hash),
    isAuthentic: (checkpoint: Checkpoint) =>
      Promise.resolve(
        publicKeys.some((key) => hasValidSignature(checkpoint, key)),
      ),
  });
  return {
    valid:
      !chainBreak && finding.kind === 'consistent' && finding.rejected === 0,
    first,
    last,
    checked,
    chainBreak,
    finding,
    exportedHashAtCheckpoint:
      finding.checkpoint && bySequence.get(finding.checkpoint.sequence)?.hash,
    checkpointsFound: checkpoints.length,
  };
}
