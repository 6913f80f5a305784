import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { dateOfBirthSchema } from './date-of-birth';

export const GENDERS = ['male', 'female', 'other', 'unknown'] as const;

/**
 * The fields a client writes; `id` and `lastUpdated` belong to the server. The one list of a
 * patient's fields: the stored document, its mongoose schema and the mappers are derived from it.
 */
export const writablePatientShape = {
  firstName: z.string().min(1).max(64),
  lastName: z.string().max(64).optional(),
  fullName: z.string().max(128).optional(),
  gender: z.enum(GENDERS),
  dateOfBirth: dateOfBirthSchema,
  postCode: z.string().length(4),
  insuranceNumber: z.string().max(64).optional(),
  preferredContactNumber: z.string().max(64).optional(),
};

const serverFieldsShape = {
  id: z.uuid({ version: 'v4' }),
  lastUpdated: z.iso.datetime(),
};

export const patientSchema = z.strictObject({
  ...serverFieldsShape,
  ...writablePatientShape,
});
export type Patient = z.output<typeof patientSchema>;
export type WritablePatient = Omit<Patient, 'id' | 'lastUpdated'>;

/** POST body: unknown fields, including `id` and `lastUpdated`, are rejected. */
export class CreatePatientDto extends createZodDto(
  z.strictObject(writablePatientShape),
) {}

/**
 * PUT body: exactly what GET returned may be sent back, so `id` (must match the path) and
 * `lastUpdated` (ignored; the server sets a new one) are accepted.
 */
export class UpdatePatientDto extends createZodDto(
  z.strictObject({
    ...writablePatientShape,
    id: z.string().max(64).optional(),
    lastUpdated: z.string().max(64).optional(),
  }),
) {}

export class PatientDto extends createZodDto(patientSchema) {}

const criterion = (max: number) => z.string().max(max).optional();

/** Search criteria: all optional, ANDed, exact match on strings; an inclusive date-of-birth range. */
export const searchCriteriaSchema = z.strictObject({
  id: criterion(64),
  firstName: criterion(64),
  lastName: criterion(64),
  fullName: criterion(128),
  gender: z.enum(GENDERS).optional(),
  postCode: criterion(4),
  insuranceNumber: criterion(64),
  preferredContactNumber: criterion(64),
  dateOfBirthFrom: dateOfBirthSchema.optional(),
  dateOfBirthTo: dateOfBirthSchema.optional(),
});
export type SearchCriteria = z.output<typeof searchCriteriaSchema>;
export class SearchCriteriaDto extends createZodDto(searchCriteriaSchema) {}
