import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { typedCollection } from '../database/typed-collection';
import { isDuplicateKey } from '../database/storage-errors';
import {
  IDEMPOTENCY_RECORD_MODEL,
  IdempotencyRecordDocument,
  StoredOutcome,
} from './idempotency-record.schema';

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a claim may stay in flight before it counts as abandoned. */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; outcome: StoredOutcome }
  | { kind: 'in-flight' }
  | { kind: 'mismatch' };

/** Idempotency keys in the app's own database; each decision is one conditional write. */
@Injectable()
export class IdempotencyStore {
  constructor(
    @InjectModel(IDEMPOTENCY_RECORD_MODEL)
    private readonly model: Model<IdempotencyRecordDocument>,
  ) {}

  /**
   * Claims `id` for a request with `fingerprint`. Exactly one of any number of concurrent callers (on
   * any number of instances) gets `claimed`: the insert of `_id` is the lock.
   */
  async claim(
    id: string,
    fingerprint: string,
    now = new Date(),
  ): Promise<Claim> {
    const fresh: IdempotencyRecordDocument = {
      _id: id,
      _shardKey: id,
      fingerprint,
      state: 'in-flight',
      lockedUntil: new Date(now.getTime() + IDEMPOTENCY_LOCK_MS),
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
    };
    const collection = typedCollection(this.model);
    for (;;) {
      try {
        await collection.insertOne(fresh);
        return { kind: 'claimed' };
      } catch (error) {
        if (!isDuplicateKey(error)) {
          throw error;
        }
      }
      const existing = await collection.findOne({ _id: id, _shardKey: id });
      if (!existing) {
        continue; // released meanwhile: try the insert again
      }
      const expired = existing.expiresAt <= now;
      const abandoned =
        existing.state === 'in-flight' && existing.lockedUntil <= now;
      if (expired || abandoned) {
        // Take it over only if nobody else did since we read it.
        const taken = await collection.replaceOne(
          {
            _id: id,
            _shardKey: id,
            lockedUntil: existing.lockedUntil,
            state: existing.state,
          },
          fresh,
        );
        if (taken.modifiedCount === 1) {
          return { kind: 'claimed' };
        }
        continue;
      }
      if (existing.fingerprint !== fingerprint) {
        return { kind: 'mismatch' };
      }
      if (existing.state === 'in-flight' || !existing.outcome) {
        return { kind: 'in-flight' };
      }
      return { kind: 'replay', outcome: existing.outcome };
    }
  }

  /** Records what the claimed request answered, for replays within the next 24 hours. */
  async complete(id: string, outcome: StoredOutcome): Promise<void> {
    await typedCollection(this.model).updateOne(
      { _id: id, _shardKey: id },
      { $set: { state: 'completed', outcome } },
    );
  }

  /** Forgets a claim whose request failed, so the client can retry with the same key. */
  async release(id: string): Promise<void> {
    await typedCollection(this.model).deleteOne({
      _id: id,
      _shardKey: id,
      state: 'in-flight',
    });
  }
}
