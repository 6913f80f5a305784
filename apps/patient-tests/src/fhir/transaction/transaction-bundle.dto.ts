import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import {
  OBSERVATION_ID_SYSTEM,
  OBSERVATION_STATUSES,
  ORDER_REFERENCE_SYSTEM,
} from '../observation/observation.mapper';

const text = (max: number) => z.string().min(1).max(max);
const reference = z.strictObject({ reference: text(128) });
const codeableText = z.strictObject({ text: text(256) });

/**
 * The report of a transaction: what a test stores (patient, performer, order reference). Its `status`
 * and `code` are required by FHIR but not stored: the status is derived from the observations and
 * every report's code is the same text (docs/fhir.md).
 */
const reportSchema = z.strictObject({
  resourceType: z.literal('DiagnosticReport'),
  status: z.enum([...OBSERVATION_STATUSES, 'partial']),
  code: z.object({}).catchall(z.unknown()),
  subject: reference,
  basedOn: z
    .array(
      z.strictObject({
        type: z.literal('ServiceRequest').optional(),
        identifier: z.strictObject({
          system: z.literal(ORDER_REFERENCE_SYSTEM),
          value: text(128),
        }),
      }),
    )
    .length(1),
  performer: z.array(z.strictObject({ display: text(128) })).length(1),
  result: z.array(reference).min(1).max(100),
});

/** An observation of a transaction: exactly the fields a test's observation stores. */
const observationSchema = z.strictObject({
  resourceType: z.literal('Observation'),
  identifier: z
    .array(
      z.strictObject({
        system: z.literal(OBSERVATION_ID_SYSTEM),
        value: text(256),
      }),
    )
    .length(1),
  status: z.enum(OBSERVATION_STATUSES),
  code: z.strictObject({
    coding: z.array(z.strictObject({ code: text(256) })).length(1),
  }),
  subject: reference,
  issued: z.iso.datetime({ offset: true }),
  valueString: text(256),
  interpretation: z.array(codeableText).length(1),
});

const entrySchema = z.strictObject({
  fullUrl: z
    .string()
    .regex(/^urn:uuid:[0-9a-f-]{36}$/, 'must be urn:uuid:<uuid>'),
  resource: z.discriminatedUnion('resourceType', [
    reportSchema,
    observationSchema,
  ]),
  request: z.strictObject({
    method: z.literal('POST'),
    url: z.enum(['DiagnosticReport', 'Observation']),
  }),
});

/** A transaction Bundle that creates one report with its observations (a test of the JSON API). */
export const transactionBundleSchema = z.strictObject({
  resourceType: z.literal('Bundle'),
  type: z.literal('transaction'),
  entry: z.array(entrySchema).min(2).max(101),
});

export type TransactionBundle = z.output<typeof transactionBundleSchema>;
export type TransactionEntry = TransactionBundle['entry'][number];
export class TransactionBundleDto extends createZodDto(
  transactionBundleSchema,
) {}
