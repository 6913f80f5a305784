import { withoutEmpty } from '@app/shared/json';
import { Schema, SchemaDefinition } from 'mongoose';
import { z } from 'zod';
import { Patient, WritablePatient, writablePatientShape } from './patient.dto';

export const PATIENT_MODEL = 'Patient';

/**
 * A patient as stored: the written fields as the client sent them, `_id` the patient id, `_shardKey`
 * the Cosmos DB partition key (the same id), `_version` incremented by every write (the ETag).
 */
export type PatientDocument = WritablePatient & {
  _id: string;
  _shardKey: string;
  lastUpdated: Date;
  _version: number;
};

type WrittenField = keyof typeof writablePatientShape;
const WRITTEN_FIELDS = Object.keys(writablePatientShape) as WrittenField[];

/** The written fields a client may leave out: a replace that omits one removes it. */
export const OPTIONAL_PATIENT_FIELDS = WRITTEN_FIELDS.filter(
  (name) => writablePatientShape[name].safeParse(undefined).success,
);

/** Every written field is a string; required and enum as the zod schema says. */
const writtenFieldDefinitions = Object.fromEntries(
  WRITTEN_FIELDS.map((name) => {
    const field: z.ZodType = writablePatientShape[name];
    return [
      name,
      {
        type: String,
        required: !OPTIONAL_PATIENT_FIELDS.includes(name),
        ...(field instanceof z.ZodEnum && { enum: field.options }),
      },
    ];
  }),
) as SchemaDefinition<WritablePatient>;

export const PatientSchema = new Schema<PatientDocument>(
  {
    _id: { type: String, required: true },
    _shardKey: { type: String, required: true },
    ...writtenFieldDefinitions,
    lastUpdated: { type: Date, required: true },
    _version: { type: Number, required: true },
  },
  { collection: 'patients', versionKey: false, strict: 'throw' },
);

// The search criteria clients use most; Terraform creates the same indexes on Cosmos DB.
PatientSchema.index({ lastName: 1 });
PatientSchema.index({ postCode: 1 });
PatientSchema.index({ dateOfBirth: 1 });

/** A patient's written fields as they are stored (absent optional fields left out). */
export function toWrittenFields({
  id: _id,
  lastUpdated: _lastUpdated,
  ...fields
}: Patient): WritablePatient {
  return fields;
}

/** The document a new patient is stored as. */
export function toPatientDocument(patient: Patient): PatientDocument {
  return {
    ...toWrittenFields(patient),
    _id: patient.id,
    _shardKey: patient.id,
    lastUpdated: new Date(patient.lastUpdated),
    _version: 1,
  };
}

/** The API's patient: the written fields by name, so no storage field (`_shardKey`, `_version`) can reach a response. */
export function toPatient(doc: PatientDocument): Patient {
  return withoutEmpty({
    id: doc._id,
    ...Object.fromEntries(WRITTEN_FIELDS.map((name) => [name, doc[name]])),
    lastUpdated: doc.lastUpdated.toISOString(),
  } as Patient);
}
