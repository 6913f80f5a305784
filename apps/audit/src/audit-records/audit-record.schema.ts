import { Schema } from 'mongoose';

export const AUDIT_RECORD_MODEL = 'AuditRecord';

/** An audit record as stored; `_shardKey` is the record's own id, spreading writes across partitions. */
export interface AuditRecordDocument {
  _id: string;
  _shardKey: string;
  createdDate: Date;
  sourceSystemName: string;
  resource: { type: string; id?: string; operation: string };
  correlationId: string;
}

export const AuditRecordSchema = new Schema<AuditRecordDocument>(
  {
    _id: { type: String, required: true },
    _shardKey: { type: String, required: true },
    createdDate: { type: Date, required: true },
    sourceSystemName: { type: String, required: true },
    resource: {
      type: new Schema(
        { type: String, id: String, operation: String },
        { _id: false },
      ),
      required: true,
    },
    correlationId: { type: String, required: true },
  },
  { collection: 'audits', versionKey: false, strict: 'throw' },
);

// Newest first, and the investigators' filters; Terraform creates the same indexes on Cosmos DB.
AuditRecordSchema.index({ createdDate: -1, _id: -1 });
AuditRecordSchema.index({ correlationId: 1 });
AuditRecordSchema.index({ 'resource.type': 1, 'resource.id': 1 });
