import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { auditRecordSchema } from '../audit-records/audit-record.dto';
import { checkpointSchema } from './checkpoint';

/** Records one verify call walks at most; the answer's `next` continues from there. */
export const VERIFY_MAX_RANGE = 10_000;
/** Records one export call returns at most. */
export const EXPORT_MAX_RECORDS = 5_000;

const sequenceParameter = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'must be a sequence number from 1')
  .transform(Number);

/** Range of `GET /api/auditrecord/verify`; both ends inclusive and optional. */
export const verifyQuerySchema = z
  .strictObject({
    from: sequenceParameter
      .optional()
      .describe('First sequence to check (default 1).'),
    to: sequenceParameter
      .optional()
      .describe(
        `Last sequence to check (default: the head). At most ${VERIFY_MAX_RANGE} records are checked per call.`,
      ),
  })
  .refine(
    ({ from, to }) => from === undefined || to === undefined || from <= to,
    {
      path: ['to'],
      message: 'must not be below from',
    },
  );
export type VerifyQuery = z.output<typeof verifyQuerySchema>;
export class VerifyQueryDto extends createZodDto(verifyQuerySchema) {}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const chainVerificationSchema = z.strictObject({
  valid: z.boolean(),
  checked: z.int().min(0).describe('Records checked by this call'),
  firstInvalidSequence: z
    .int()
    .min(1)
    .optional()
    .describe(
      'Where the chain first breaks, when invalid (for a rewrite: at the latest)',
    ),
  reason: z
    .enum([
      'record-changed',
      'record-missing',
      'truncated',
      'rewritten',
      'checkpoint-rejected',
    ])
    .optional()
    .describe('What is wrong, when invalid'),
  next: z
    .int()
    .min(1)
    .optional()
    .describe('The range goes on: call again with from=next'),
  head: z
    .strictObject({ sequence: z.int().min(0), hash: sha256Hex })
    .describe('The newest record'),
  checkpoint: z
    .strictObject({
      sequence: z.int().min(1),
      createdDate: z.iso.datetime(),
      keyId: z.string(),
    })
    .optional()
    .describe(
      'The newest signed checkpoint the chain was compared with (absent when there is none)',
    ),
  rejectedCheckpoints: z
    .int()
    .min(1)
    .optional()
    .describe(
      'Stored checkpoints whose signature is not valid for the checkpoint key (ignored)',
    ),
});
export type ChainVerification = z.output<typeof chainVerificationSchema>;
export class ChainVerificationDto extends createZodDto(
  chainVerificationSchema,
) {}

export class CheckpointDto extends createZodDto(checkpointSchema) {}

/** `GET /api/auditrecord/export`: records in chain order, for `npm run audit:verify`. */
export const exportQuerySchema = z.strictObject({
  from: sequenceParameter
    .optional()
    .describe('First sequence to export (default 1).'),
  limit: z
    .string()
    .regex(
      /^\d{1,5}$/,
      `must be a whole number from 1 to ${EXPORT_MAX_RECORDS}`,
    )
    .transform(Number)
    .pipe(z.number().int().min(1).max(EXPORT_MAX_RECORDS))
    .optional()
    .describe(
      `Records per call, 1-${EXPORT_MAX_RECORDS} (default ${EXPORT_MAX_RECORDS}).`,
    ),
});
export type ExportQuery = z.output<typeof exportQuerySchema>;
export class ExportQueryDto extends createZodDto(exportQuerySchema) {}

export const chainExportSchema = z.strictObject({
  records: z.array(auditRecordSchema).describe('Ascending by sequence'),
  next: z
    .int()
    .min(1)
    .optional()
    .describe('More records follow: call again with from=next'),
});
export type ChainExport = z.output<typeof chainExportSchema>;
export class ChainExportDto extends createZodDto(chainExportSchema) {}
