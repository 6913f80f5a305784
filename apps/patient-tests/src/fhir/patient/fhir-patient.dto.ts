import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { GENDERS } from '../../patients/patient.dto';
import { dateOfBirthSchema } from '../../patients/date-of-birth';

/** The identifier system of our one identifier, the insurance number. */
export const INSURANCE_NUMBER_SYSTEM = 'urn:patient-tests:insurance-number';

/** Server-owned, ignored on input (`versionId`, `lastUpdated`), as FHIR servers do. */
const metaSchema = z
  .object({})
  .catchall(z.unknown())
  .optional()
  .describe('ignored: the server sets meta');

/**
 * A Patient as this server stores it: exactly the elements that map to the JSON API's fields, with the
 * same bounds. Anything else (a second name, an address line, `active`, extensions) has nowhere to go
 * and is refused (400) rather than silently dropped; docs/fhir.md lists what is representable.
 */
export const fhirPatientSchema = z.strictObject({
  resourceType: z.literal('Patient'),
  id: z.string().max(64).optional(),
  meta: metaSchema,
  identifier: z
    .array(
      z.strictObject({
        system: z.literal(INSURANCE_NUMBER_SYSTEM),
        value: z.string().min(1).max(64),
      }),
    )
    .max(1)
    .optional(),
  name: z
    .array(
      z.strictObject({
        use: z.literal('official').optional(),
        text: z.string().max(128).optional(),
        family: z.string().max(64).optional(),
        given: z.array(z.string().min(1).max(64)).length(1),
      }),
    )
    .length(1),
  telecom: z
    .array(
      z.strictObject({
        system: z.literal('phone'),
        value: z.string().min(1).max(64),
        rank: z.literal(1).optional(),
      }),
    )
    .max(1)
    .optional(),
  gender: z.enum(GENDERS),
  birthDate: dateOfBirthSchema,
  address: z
    .array(z.strictObject({ postalCode: z.string().length(4) }))
    .length(1),
});

export type FhirPatientInput = z.output<typeof fhirPatientSchema>;
export class FhirPatientDto extends createZodDto(fhirPatientSchema) {}
