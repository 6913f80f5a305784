import { typedCollection, withThrottleRetry } from '@app/shared';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type { AuditRecord } from './audit-record.dto';
import { AUDIT_RECORD_MODEL, AuditRecordDocument } from './audit-record.schema';

export interface AuditFilter {
  resourceType?: string;
  resourceId?: string;
  correlationId?: string;
  from?: Date;
  to?: Date;
}

/** Where the previous page ended: records are ordered by (createdDate, id), newest first. */
export interface AuditPosition {
  createdDate: Date;
  id: string;
}

function toAuditRecord(doc: AuditRecordDocument): AuditRecord {
  const { type, id, operation } = doc.resource;
  return {
    id: doc._id,
    createdDate: doc.createdDate.toISOString(),
    sourceSystemName: doc.sourceSystemName,
    resource: id === undefined ? { type, operation } : { type, id, operation },
    correlationId: doc.correlationId,
  };
}

function toFilter({
  resourceType,
  resourceId,
  correlationId,
  from,
  to,
}: AuditFilter): FilterQuery<AuditRecordDocument> {
  const filter: FilterQuery<AuditRecordDocument> = {};
  if (resourceType !== undefined) {
    filter['resource.type'] = resourceType;
  }
  if (resourceId !== undefined) {
    filter['resource.id'] = resourceId;
  }
  if (correlationId !== undefined) {
    filter.correlationId = correlationId;
  }
  if (from !== undefined || to !== undefined) {
    filter.createdDate = {
      ...(from && { $gte: from }),
      ...(to && { $lte: to }),
    };
  }
  return filter;
}

@Injectable()
export class AuditRecordsRepository {
  constructor(
    @InjectModel(AUDIT_RECORD_MODEL)
    private readonly model: Model<AuditRecordDocument>,
  ) {}

  async insert(record: AuditRecord): Promise<void> {
    const { id, createdDate, ...fields } = record;
    const doc: AuditRecordDocument = {
      _id: id,
      _shardKey: id,
      ...fields,
      createdDate: new Date(createdDate),
    };
    await withThrottleRetry(() => typedCollection(this.model).insertOne(doc));
  }

  /** Up to `limit` matching records after `position`, newest first. */
  async query(
    filter: AuditFilter,
    limit: number,
    position?: AuditPosition,
  ): Promise<AuditRecord[]> {
    const query = toFilter(filter);
    if (position) {
      query.$and = [
        {
          $or: [
            { createdDate: { $lt: position.createdDate } },
            { createdDate: position.createdDate, _id: { $lt: position.id } },
          ],
        },
      ];
    }
    const docs = await withThrottleRetry(() =>
      this.model
        .find(query)
        .sort({ createdDate: -1, _id: -1 })
        .limit(limit)
        .lean<AuditRecordDocument[]>()
        .exec(),
    );
    return docs.map(toAuditRecord);
  }
}
