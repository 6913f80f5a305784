import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const text = z.string().min(1).max(256);

/** One observation of a medical test (e.g. a blood value), as the seed's clients send it. */
const observationSchema = z.strictObject({
  id: text,
  code: text,
  measurement: text,
  interpretation: text,
  status: text,
  issued: z.iso.datetime({ offset: true }),
});

const writableMedicalTestShape = {
  /** Optional in the body; when present it must equal the path's patient id. */
  patientId: z.string().max(64).optional(),
  performer: z.string().min(1).max(128),
  orderReference: z.string().min(1).max(128),
  observations: z.array(observationSchema).min(1).max(100),
};

export const medicalTestSchema = z.strictObject({
  ...writableMedicalTestShape,
  id: z.uuid({ version: 'v4' }),
  patientId: z.uuid({ version: 'v4' }),
  lastUpdated: z.iso.datetime(),
});
export type MedicalTest = z.output<typeof medicalTestSchema>;

export class CreateMedicalTestDto extends createZodDto(
  z.strictObject(writableMedicalTestShape),
) {}
export class MedicalTestDto extends createZodDto(medicalTestSchema) {}
