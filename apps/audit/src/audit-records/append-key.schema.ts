import { Schema } from 'mongoose';

export const APPEND_KEY_MODEL = 'AppendKey';

/**
 * One use of an `Idempotency-Key` on `POST /api/auditrecord`. The outcome of an append is the record
 * itself, so the key stores only which record it produces (`recordId`, chosen before the append):
 * a replay reads that record, and no second write completes the key. `_id` is the key scoped to the
 * caller and the route; `fingerprint` a hash of the body it was first used with.
 */
export interface AppendKeyDocument {
  _id: string;
  _shardKey: string;
  fingerprint: string;
  recordId: string;
  /** Until then the first request may still append; afterwards a key without its record is free again. */
  claimedUntil: Date;
  /** Keys are remembered for 24 hours. */
  expiresAt: Date;
}

export const AppendKeySchema = new Schema<AppendKeyDocument>(
  {
    _id: { type: String, required: true },
    _shardKey: { type: String, required: true },
    fingerprint: { type: String, required: true },
    recordId: { type: String, required: true },
    claimedUntil: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'audit_append_keys', versionKey: false, strict: 'throw' },
);

// MongoDB deletes expired keys itself; elsewhere an expired key is treated as unused when read.
AppendKeySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
