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
  const current = await evidence.hashAt(newest.sequence);
  if (current === newest.hash) {
    return { kind: 'consistent', checkpoint: newest, rejected };
  }
  // Every record from the first changed or removed one on differs, so the newest older checkpoint
  // that still matches bounds where it starts.
  let matching: Checkpoint | undefined;
  for (const checkpoint of older) {
    if ((await evidence.hashAt(checkpoint.sequence)) === checkpoint.hash) {
      matching = checkpoint;
      break;
    }
  }
  if (current === undefined) {
    // The signed record is gone though the head claims to be past it (a stale head): find the first
    // missing record after the last one known to be there.
    return {
      kind: 'truncated',
      firstInvalidSequence: await firstMissing(
        matching?.sequence ?? 0,
        newest.sequence,
        (sequence) => evidence.hashAt(sequence),
      ),
      checkpoint: newest,
      rejected,
    };
  }
  const oldest = authentic[authentic.length - 1];
  return {
    kind: 'rewritten',
    firstInvalidSequence: matching
      ? matching.sequence + 1
      : evidence.complete
        ? 1
        : oldest.sequence,
    checkpoint: newest,
    rejected,
  };
}

/**
 * The first missing sequence in (present, missing], by bisection: `present` exists (or is 0) and
 * `missing` does not, as after the newest records were removed.
 */
async function firstMissing(
  present: number,
  missing: number,
  hashAt: CheckpointEvidence['hashAt'],
): Promise<number> {
  let low = present;
  let high = missing;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if ((await hashAt(middle)) === undefined) {
      high = middle;
    } else {
      low = middle;
    }
  }
  return high;
}
