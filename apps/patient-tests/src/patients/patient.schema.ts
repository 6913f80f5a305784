import { Schema } from 'mongoose';
import { GENDERS } from './patient.dto';

export const PATIENT_MODEL = 'Patient';

/** A patient as stored: `_id` is the patient id, `_shardKey` the Cosmos DB partition key (the same id). */
export interface PatientDocument {
  _id: string;
  _shardKey: string;
  firstName: string;
  lastName?: string;
  fullName?: string;
  gender: (typeof GENDERS)[number];
  dateOfBirth: string;
  postCode: string;
  insuranceNumber?: string;
  preferredContactNumber?: string;
  lastUpdated: Date;
  /** Incremented by every write; the ETag. */
  _version: number;
}

export const PatientSchema = new Schema<PatientDocument>(
  {
    _id: { type: String, required: true },
    _shardKey: { type: String, required: true },
    firstName: { type: String, required: true },
    lastName: String,
    fullName: String,
    gender: { type: String, required: true, enum: GENDERS },
    dateOfBirth: { type: String, required: true },
    postCode: { type: String, required: true },
    insuranceNumber: String,
    preferredContactNumber: String,
    lastUpdated: { type: Date, required: true },
    _version: { type: Number, required: true },
  },
  { collection: 'patients', versionKey: false, strict: 'throw' },
);

// The search criteria clients use most; Terraform creates the same indexes on Cosmos DB.
PatientSchema.index({ lastName: 1 });
PatientSchema.index({ postCode: 1 });
PatientSchema.index({ dateOfBirth: 1 });
