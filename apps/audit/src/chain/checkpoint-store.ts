import { Checkpoint, checkpointSchema } from './checkpoint';

/** A checkpoint as found in the store; `checkpoint` is absent when the stored bytes are not one. */
export interface StoredCheckpoint {
  name: string;
  checkpoint?: Checkpoint;
}

/** Thrown by {@link CheckpointStore.create} when that sequence already has a checkpoint. */
export class CheckpointExistsError extends Error {
  constructor(readonly sequence: number) {
    super(`A checkpoint for sequence ${sequence} is already stored.`);
    this.name = 'CheckpointExistsError';
  }
}

/**
 * Where signed checkpoints are kept, outside the database: a folder, or a blob container with a
 * time-based immutability policy. Each checkpoint is its own object named by its sequence and is
 * only ever created, never replaced, so several app instances can write without coordination.
 * An abstract class so it is its own DI token.
 */
export abstract class CheckpointStore {
  /** Stores a new checkpoint; throws {@link CheckpointExistsError} when its sequence is taken. */
  abstract create(checkpoint: Checkpoint): Promise<void>;

  /** Up to `count` stored checkpoints, highest sequence first. */
  abstract newest(count: number): Promise<StoredCheckpoint[]>;

  /** Where the checkpoints are, for logs and the auditor's report (never a secret). */
  abstract readonly location: string;
}

/** Parses stored bytes; anything that is not a checkpoint is kept as unreadable, not dropped. */
export function parseStored(name: string, text: string): StoredCheckpoint {
  try {
    const parsed = checkpointSchema.safeParse(JSON.parse(text));
    return parsed.success ? { name, checkpoint: parsed.data } : { name };
  } catch {
    return { name };
  }
}
