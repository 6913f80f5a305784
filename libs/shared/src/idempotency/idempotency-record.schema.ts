import { Schema } from 'mongoose';

export const IDEMPOTENCY_RECORD_MODEL = 'IdempotencyRecord';

/**
 * What a completed request answered, kept to be replayed. `body` holds only what the server decided
 * (ids, times); the parts listed in `fromRequest` are taken from the replayed request, whose body has
 * the same fingerprint (see `toReplayTemplate`). Outcomes stored before `fromRequest` existed have
 * none and hold the whole body.
 */
export interface StoredOutcome {
  status: number;
  body: unknown;
  fromRequest?: string[];
  /** Set when the handler returned a `Versioned` resource. */
  version?: number;
}

/**
 * One use of an Idempotency-Key. `_id` scopes the key to the route and the caller, so two clients can
 * never see each other's responses; `fingerprint` is a hash of the request it was first used with.
 */
export interface IdempotencyRecordDocument {
  _id: string;
  _shardKey: string;
  fingerprint: string;
  state: 'in-flight' | 'completed';
  outcome?: StoredOutcome;
  /** A claim not completed by then was abandoned (the process died); the key may be claimed again. */
  lockedUntil: Date;
  /**
   * Keys are remembered for 24 hours, and a record past this is never replayed, whether or not the
   * database has deleted it yet: MongoDB deletes it by this index, Cosmos DB for MongoDB only by a TTL
   * on its own `_ts` (declared in Terraform), FerretDB not at all.
   */
  expiresAt: Date;
}

export const IdempotencyRecordSchema = new Schema<IdempotencyRecordDocument>(
  {
    _id: { type: String, required: true },
    _shardKey: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true },
    outcome: Schema.Types.Mixed,
    lockedUntil: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false, strict: 'throw' },
);

// MongoDB deletes expired keys itself. Cosmos DB and FerretDB refuse this index (the app starts all
// the same); there expired keys are treated as unused on read (IdempotencyStore.claim).
IdempotencyRecordSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
