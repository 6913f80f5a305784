import type { Checkpoint } from './checkpoint';
import type { StoredCheckpoint } from './checkpoint-store';

/** How the chain compares with its signed checkpoints. */
export type CheckpointFinding =
  /** The newest authentic checkpoint's sequence still has its hash (or there is none yet). */
  | { kind: 'consistent'; checkpoint?: Checkpoint; rejected: number }
  /**
   * The chain ends before a signed checkpoint: the records from `firstInvalidSequence` on are gone.
   */
  | {
      kind: 'truncated';
      firstInvalidSequence: number;
      checkpoint: Checkpoint;
      rejected: number;
    }
  /**
   * A checkpointed sequence has another hash now: the chain was rewritten from `firstInvalidSequence`
   * at the latest (the record after the newest checkpoint that still matches).
   */
  | {
      kind: 'rewritten';
      firstInvalidSequence: number;
      checkpoint: Checkpoint;
      rejected: number;
    };

/** What the check needs to know about the chain and the keys. */
export interface CheckpointEvidence {
  /** Stored checkpoints, highest sequence first. */
  newestFirst: StoredCheckpoint[];
  /** Whether all stored checkpoints are in `newestFirst` (else a search for the start may stop early). */
  complete: boolean;
  headSequence: number;
  hashAt(sequence: number): Promise<string | undefined>;
  isAuthentic(checkpoint: Checkpoint): Promise<boolean>;
}

/**
 * Compares the chain with the newest checkpoint whose signature is valid. Checkpoints that do not
 * parse or whose signature fails are skipped and counted in `rejected` (a forged "checkpoint" must
 * not make an intact chain look truncated), and reported by the caller.
 */
export async function checkAgainstCheckpoints(
  evidence: CheckpointEvidence,
): Promise<CheckpointFinding> {
  let rejected = 0;
  const authentic: Checkpoint[] = [];
  for (const stored of evidence.newestFirst) {
    if (stored.checkpoint && (await evidence.isAuthentic(stored.checkpoint))) {
      authentic.push(stored.checkpoint);
    } else {
      rejected++;
    }
  }
  const [newest, ...older] = authentic;
  if (!newest) {
    return { kind: 'consistent', rejected };
  }
  if (newest.sequence > evidence.headSequence) {
    return {
      kind: 'truncated',
      firstInvalidSequence: evidence.headSequence + 1,
      checkpoint: newest,
      rejected,
    };
  }
  if ((await evidence.hashAt(newest.sequence)) === newest.hash) {
    return { kind: 'consistent', checkpoint: newest, rejected };
  }
  // Rewritten: every record from the first changed one on has a new hash, so the newest older
  // checkpoint that still matches bounds where the rewrite starts.
  for (const checkpoint of older) {
    if ((await evidence.hashAt(checkpoint.sequence)) === checkpoint.hash) {
      return {
        kind: 'rewritten',
        firstInvalidSequence: checkpoint.sequence + 1,
        checkpoint: newest,
        rejected,
      };
    }
  }
  const oldest = authentic[authentic.length - 1];
  return {
    kind: 'rewritten',
    firstInvalidSequence: evidence.complete ? 1 : oldest.sequence,
    checkpoint: newest,
    rejected,
  };
}
