import { isDuplicateKey, typedCollection } from '@app/shared/database';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { APPEND_KEY_MODEL, AppendKeyDocument } from './append-key.schema';

/** Indexes of the write errors of an unordered bulk insert, or undefined when it failed as a whole. */
function failedIndexes(error: unknown): mongo.WriteError[] | undefined {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (writeErrors === undefined) {
    return undefined;
  }
  return (
    Array.isArray(writeErrors) ? writeErrors : [writeErrors]
  ) as mongo.WriteError[];
}

/** The `Idempotency-Key`s of audit appends; every query names the key, its shard key. */
@Injectable()
export class AppendKeysRepository {
  constructor(
    @InjectModel(APPEND_KEY_MODEL)
    private readonly model: Model<AppendKeyDocument>,
  ) {}

  /**
   * Claims all `keys` in one unordered write and returns the indexes of those another request holds
   * already. The insert of `_id` is the lock: of concurrent claims of one key, exactly one succeeds.
   */
  async claimAll(keys: AppendKeyDocument[]): Promise<Set<number>> {
    try {
      await typedCollection(this.model).insertMany(keys, { ordered: false });
      return new Set();
    } catch (error) {
      const failed = failedIndexes(error);
      if (!failed?.every((writeError) => isDuplicateKey(writeError))) {
        throw error;
      }
      return new Set(failed.map((writeError) => writeError.index));
    }
  }

  async find(id: string): Promise<AppendKeyDocument | undefined> {
    const key = await typedCollection(this.model).findOne({
      _id: id,
      _shardKey: id,
    });
    return key ?? undefined;
  }

  /**
   * Takes over a key whose request is gone (its claim ran out, or it expired): only if it still names
   * `previousRecordId`, so of concurrent takers exactly one wins. A key released meanwhile is claimed anew.
   */
  async takeOver(
    fresh: AppendKeyDocument,
    previousRecordId: string | undefined,
  ): Promise<boolean> {
    const collection = typedCollection(this.model);
    if (previousRecordId === undefined) {
      return (await this.claimAll([fresh])).size === 0;
    }
    const taken = await collection.replaceOne(
      { _id: fresh._id, _shardKey: fresh._id, recordId: previousRecordId },
      fresh,
    );
    return taken.modifiedCount === 1;
  }

  /** Frees the key of an append that surely wrote nothing, so the client can retry with it at once. */
  async release(id: string, recordId: string): Promise<void> {
    await typedCollection(this.model).deleteOne({
      _id: id,
      _shardKey: id,
      recordId,
    });
  }
}
