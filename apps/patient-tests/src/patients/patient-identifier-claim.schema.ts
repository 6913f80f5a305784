import { Schema } from 'mongoose';

export const PATIENT_IDENTIFIER_CLAIM_MODEL = 'PatientIdentifierClaim';

/**
 * "The patient with insurance number N is `patientId`", written by a conditional create before it
 * creates the patient. `_id` is the insurance number, so the database's unique `_id` lets exactly one
 * of concurrent conditional creates with the same identifier claim it; the others answer with the
 * patient it names. A unique index on insert is atomic on every store, FerretDB on SQLite included,
 * where a find-then-insert or an update's query and write are not (FerretDB issue #3040). The patient
 * stays the source of truth: a claim whose patient no longer carries the number is released.
 */
export interface PatientIdentifierClaimDocument {
  _id: string;
  _shardKey: string;
  patientId: string;
  claimedAt: Date;
}

export const PatientIdentifierClaimSchema =
  new Schema<PatientIdentifierClaimDocument>(
    {
      _id: { type: String, required: true },
      _shardKey: { type: String, required: true },
      patientId: { type: String, required: true },
      claimedAt: { type: Date, required: true },
    },
    {
      collection: 'patient_identifier_claims',
      versionKey: false,
      strict: 'throw',
    },
  );
