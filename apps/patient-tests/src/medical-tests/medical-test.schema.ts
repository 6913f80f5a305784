import { Schema } from 'mongoose';
import type { MedicalTest } from './medical-test.dto';

export const MEDICAL_TEST_MODEL = 'MedicalTest';

/** A test as stored: `_id` is the test id, `_shardKey` its patient's id (as in the seed). */
export interface MedicalTestDocument {
  _id: string;
  _shardKey: string;
  patientId: string;
  performer: string;
  orderReference: string;
  observations: MedicalTest['observations'];
  lastUpdated: Date;
}

export const MedicalTestSchema = new Schema<MedicalTestDocument>(
  {
    _id: { type: String, required: true },
    _shardKey: { type: String, required: true },
    patientId: { type: String, required: true },
    performer: { type: String, required: true },
    orderReference: { type: String, required: true },
    observations: { type: Schema.Types.Mixed, required: true },
    lastUpdated: { type: Date, required: true },
  },
  { collection: 'tests', versionKey: false, strict: 'throw' },
);

// Lists are by patient in id order; the shard key leads so Cosmos DB serves them from one partition.
MedicalTestSchema.index({ _shardKey: 1, _id: 1 });
