import { Schema } from 'mongoose';
import type { ChainedContent } from './audit-chain';

export const AUDIT_RECORD_MODEL = 'AuditRecord';

/**
 * An audit record as stored. `_id` is its sequence in the hash chain: the database's own uniqueness of
 * `_id` is what lets only one writer take each sequence, on any number of app instances. `_shardKey`
 * is the same number, so on Cosmos DB each append is a single-partition write.
 */
export interface AuditRecordDocument {
  _id: number;
  _shardKey: string;
  recordId: string;
  createdDate: Date;
  sourceSystemName: string;
  resource: { type: string; id?: string; operation: string };
  patientIds?: string[];
  outcome?: ChainedContent['outcome'];
  attemptId?: string;
  correlationId: string;
  actor?: string;
  clientAddress?: string;
  unverified?: ChainedContent['unverified'];
  onBehalfOf?: ChainedContent['onBehalfOf'];
  previousHash: string;
  hash: string;
}

export const AuditRecordSchema = new Schema<AuditRecordDocument>(
  {
    _id: { type: Number, required: true },
    _shardKey: { type: String, required: true },
    recordId: { type: String, required: true },
    createdDate: { type: Date, required: true },
    sourceSystemName: { type: String, required: true },
    resource: {
      type: new Schema(
        { type: String, id: String, operation: String },
        { _id: false },
      ),
      required: true,
    },
    patientIds: { type: [String], default: undefined },
    outcome: Schema.Types.Mixed,
    attemptId: String,
    correlationId: { type: String, required: true },
    actor: String,
    clientAddress: String,
    unverified: new Schema(
      { actor: String, clientAddress: String },
      { _id: false },
    ),
    onBehalfOf: new Schema(
      {
        actor: String,
        clientAddress: String,
        unverified: new Schema(
          { actor: String, clientAddress: String },
          { _id: false },
        ),
      },
      { _id: false },
    ),
    previousHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audits', versionKey: false, strict: 'throw' },
);

// The investigators' filters; Terraform creates the same indexes on Cosmos DB.
AuditRecordSchema.index({ correlationId: 1 });
AuditRecordSchema.index({ 'resource.type': 1, 'resource.id': 1 });
AuditRecordSchema.index({ createdDate: 1 });
AuditRecordSchema.index({ recordId: 1 });
// "Who saw this patient's data?": a multikey index over the named patients, newest first within one.
AuditRecordSchema.index({ patientIds: 1, _id: -1 });
