import { pageQueryShape } from '@app/shared/http';
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

const actorSchema = z
  .string()
  .min(1)
  .max(128)
  .describe(
    '`subscription:<API Management subscription id>` or `key:<key fingerprint>`',
  );
const clientAddressSchema = z
  .string()
  .min(1)
  .max(64)
  .describe('An IP address: the first X-Forwarded-For hop, or the peer');

const unverifiedCallerSchema = z
  .strictObject({
    actor: actorSchema.optional(),
    clientAddress: clientAddressSchema.optional(),
  })
  .describe(
    'What headers claimed about the caller when the request did not prove (x-gateway-secret) that it came through API Management: recorded, never trusted',
  );

/** A patient id as the audited request named it (malformed or unknown ids are recorded too). */
const patientIdSchema = z.string().min(1).max(128);

const patientIdsSchema = z
  .array(patientIdSchema)
  .max(200)
  .describe(
    'Every patient whose data the operation concerns: the patient written or read, or each patient a search returned',
  );

/**
 * How the access ended. A read is recorded once its result is known (before anything is sent), so
 * with its HTTP status. A write is recorded before it happens, as `attempted`, and then by a second
 * record with its HTTP status and the attempt's id (`attemptId`).
 */
const outcomeSchema = z
  .union([z.literal('attempted'), z.int().min(100).max(599)])
  .describe(
    '`attempted` (a write about to happen) or the HTTP status the operation answered',
  );

/**
 * POST body. `actor`, `clientAddress` and `unverified` describe the end client of a service acting for
 * it (patient-tests forwards them): the register keeps them as `onBehalfOf`, asserted by the
 * authenticated caller, never in place of it. `id`, `createdDate`, `correlationId` and the chain
 * fields are the server's and are rejected.
 */
const createAuditRecordSchema = z
  .strictObject({
    sourceSystemName: z.string().min(1).max(128),
    resource: resourceSchema,
    patientIds: patientIdsSchema,
    outcome: outcomeSchema,
    attemptId: z
      .uuid({ version: 'v4' })
      .optional()
      .describe(
        "On the record of a write's outcome: the id of its `attempted` record",
      ),
    actor: actorSchema.optional().describe("The caller's own client"),
    clientAddress: clientAddressSchema
      .optional()
      .describe("The caller's own client's address"),
    unverified: unverifiedCallerSchema.optional(),
  })
  .refine((body) => body.outcome !== 'attempted' || !body.attemptId, {
    path: ['attemptId'],
    message:
      'names the attempt on the record of its outcome, not on the attempt',
  });
export class CreateAuditRecordDto extends createZodDto(
  createAuditRecordSchema,
) {}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const auditRecordSchema = z.strictObject({
  id: z.uuid({ version: 'v4' }),
  sequence: z.int().min(1).describe('Position in the hash chain, from 1'),
  createdDate: z.iso.datetime(),
  sourceSystemName: z.string().min(1).max(128),
  resource: resourceSchema,
  // Optional only for records written before these fields existed.
  patientIds: patientIdsSchema.optional(),
  outcome: outcomeSchema.optional(),
  attemptId: z.uuid({ version: 'v4' }).optional(),
  correlationId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .describe('W3C trace id of the call that caused the record'),
  actor: actorSchema
    .optional()
    .describe(
      'Who called the audit API, verified: the API Management subscription when the request proved it came through the gateway, else the key that authenticated it',
    ),
  clientAddress: clientAddressSchema
    .optional()
    .describe(
      "The audit API caller's address: the first X-Forwarded-For hop through the gateway, else the peer",
    ),
  unverified: unverifiedCallerSchema.optional(),
  onBehalfOf: z
    .strictObject({
      actor: actorSchema.optional(),
      clientAddress: clientAddressSchema.optional(),
      unverified: unverifiedCallerSchema.optional(),
    })
    .optional()
    .describe(
      "The caller's own client, as the caller (`actor`) asserts it: e.g. patient-tests naming its client",
    ),
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
  patientId: patientIdSchema
    .optional()
    .describe(
      'Records naming this patient: every read, search or list that returned its data and every write of it, with attempts that failed (see `outcome`)',
    ),
  correlationId: z.string().min(1).max(64).optional(),
  actor: actorSchema
    .optional()
    .describe(
      "Records whose verified caller (`actor`) or whose caller's client (`onBehalfOf.actor`) is this actor",
    ),
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
