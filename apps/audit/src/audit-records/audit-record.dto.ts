import { pageQueryShape } from '@app/shared';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const resourceSchema = z.strictObject({
  type: z.string().min(1).max(64).describe('e.g. patient, test'),
  id: z.string().min(1).max(128).optional(),
  operation: z
    .string()
    .min(1)
    .max(64)
    .describe('e.g. create, read, update, search'),
});

/** POST body: `id`, `createdDate` and `correlationId` are the server's and are rejected. */
const createAuditRecordSchema = z.strictObject({
  sourceSystemName: z.string().min(1).max(128),
  resource: resourceSchema,
});
export class CreateAuditRecordDto extends createZodDto(
  createAuditRecordSchema,
) {}

export const auditRecordSchema = createAuditRecordSchema.extend({
  id: z.uuid({ version: 'v4' }),
  createdDate: z.iso.datetime(),
  correlationId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .describe('W3C trace id of the call that caused the record'),
});
export type AuditRecord = z.output<typeof auditRecordSchema>;
export class AuditRecordDto extends createZodDto(auditRecordSchema) {}

/** Filters (ANDed) and paging of `GET /api/auditrecord`. */
export const auditQuerySchema = z.strictObject({
  resourceType: z.string().min(1).max(64).optional(),
  resourceId: z.string().min(1).max(128).optional(),
  correlationId: z.string().min(1).max(64).optional(),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Records created at or after this instant.'),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Records created at or before this instant.'),
  ...pageQueryShape,
});
export type AuditQuery = z.output<typeof auditQuerySchema>;
export class AuditQueryDto extends createZodDto(auditQuerySchema) {}
