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

/**
 * POST body. `actor` and `clientAddress` describe the end client when the caller is a service acting
 * for it (patient-tests forwards them); when absent the audit API records its own caller.
 * `id`, `createdDate`, `correlationId` and the chain fields are the server's and are rejected.
 */
const createAuditRecordSchema = z.strictObject({
  sourceSystemName: z.string().min(1).max(128),
  resource: resourceSchema,
  actor: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('Who called: a key name or an API Management subscription id'),
  clientAddress: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('The client address (first X-Forwarded-For hop)'),
});
export class CreateAuditRecordDto extends createZodDto(
  createAuditRecordSchema,
) {}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const auditRecordSchema = createAuditRecordSchema.extend({
  id: z.uuid({ version: 'v4' }),
  createdDate: z.iso.datetime(),
  correlationId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .describe('W3C trace id of the call that caused the record'),
  sequence: z.int().min(1).describe('Position in the hash chain, from 1'),
  previousHash: sha256Hex.describe(
    'hash of the record at sequence - 1 (64 zeros for the first)',
  ),
  hash: sha256Hex.describe(
    'SHA-256 of the record as RFC 8785 canonical JSON, without the hash itself',
  ),
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
