import { Schema } from 'mongoose';

export const PATIENT_VERSION_CLAIM_MODEL = 'PatientVersionClaim';
/** How long a claim is kept (its `expiresAt` is the write time plus this). */
export const PATIENT_VERSION_CLAIM_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * "A writer is replacing version N of patient P": `_id` is `<patient id>:<version>`, so the database's
 * unique `_id` lets exactly one of concurrent writers holding the same ETag claim it. MongoDB and
 * Cosmos DB would not need it (their conditional update is atomic), but FerretDB on SQLite runs an
 * update's query and write outside one transaction (FerretDB issue #3040), and an insert of a taken
 * `_id` fails everywhere. Claims are worthless once the version moved on, so they expire after a day.
 */
export interface PatientVersionClaimDocument {
  _id: string;
  _shardKey: string;
  expiresAt: Date;
}

export const PatientVersionClaimSchema =
  new Schema<PatientVersionClaimDocument>(
    {
      _id: { type: String, required: true },
      _shardKey: { type: String, required: true },
      expiresAt: { type: Date, required: true },
    },
    {
      collection: 'patient_version_claims',
      versionKey: false,
      strict: 'throw',
    },
  );

PatientVersionClaimSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
