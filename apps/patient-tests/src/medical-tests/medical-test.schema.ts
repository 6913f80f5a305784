import { Schema } from 'mongoose';
import type { MedicalTest } from './medical-test.dto';

export const MEDICAL_TEST_MODEL = 'MedicalTest';

/** A medical test as stored: the API's fields, `_id` the test id, `_shardKey` its patient's id (as in the seed). */
export type MedicalTestDocument = Omit<MedicalTest, 'id' | 'lastUpdated'> & {
  _id: string;
  _shardKey: string;
  lastUpdated: Date;
};

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

/** The document a new medical test is stored as. */
export function toMedicalTestDocument({
  id,
  lastUpdated,
  ...fields
}: MedicalTest): MedicalTestDocument {
  return {
    _id: id,
    _shardKey: fields.patientId,
    ...fields,
    lastUpdated: new Date(lastUpdated),
  };
}

/** The API's medical test: field by field, so no storage field (`_shardKey`) can reach a response. */
export function toMedicalTest(doc: MedicalTestDocument): MedicalTest {
  return {
    id: doc._id,
    patientId: doc.patientId,
    performer: doc.performer,
    orderReference: doc.orderReference,
    observations: doc.observations,
    lastUpdated: doc.lastUpdated.toISOString(),
  };
}
