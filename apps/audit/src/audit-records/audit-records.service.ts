import { randomUUID } from 'node:crypto';
import {
  decodeContinuationToken,
  DEFAULT_PAGE_SIZE,
  Page,
  toPage,
} from '@app/shared';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type {
  AuditQuery,
  AuditRecord,
  CreateAuditRecordDto,
} from './audit-record.dto';
import { AuditRecordsRepository } from './audit-records.repository';

const auditPosition = z.strictObject({
  d: z.iso.datetime(),
  i: z.string().max(64),
});

@Injectable()
export class AuditRecordsService {
  constructor(private readonly repository: AuditRecordsRepository) {}

  /** Appends a record; the server assigns id and time, the correlation id comes from the trace context. */
  async create(
    body: CreateAuditRecordDto,
    correlationId: string,
  ): Promise<AuditRecord> {
    const record: AuditRecord = {
      id: randomUUID(),
      createdDate: new Date().toISOString(),
      ...body,
      correlationId,
    };
    await this.repository.insert(record);
    return record;
  }

  async query({
    limit = DEFAULT_PAGE_SIZE,
    continuationToken,
    code: _key,
    from,
    to,
    ...filter
  }: AuditQuery): Promise<Page<AuditRecord>> {
    const position = continuationToken
      ? decodeContinuationToken(continuationToken, auditPosition)
      : undefined;
    const found = await this.repository.query(
      {
        ...filter,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      },
      limit + 1,
      position && { createdDate: new Date(position.d), id: position.i },
    );
    return toPage(found, limit, (record) => ({
      d: record.createdDate,
      i: record.id,
    }));
  }
}
