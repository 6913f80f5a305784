import { randomUUID } from 'node:crypto';
import {
  Caller,
  decodeContinuationToken,
  DEFAULT_PAGE_SIZE,
  Page,
  Replayed,
  toPage,
} from '@app/shared';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AppendOptions } from './append-options.decorator';
import { AuditAppender } from './audit-appender';
import type {
  AuditQuery,
  AuditRecord,
  CreateAuditRecordDto,
} from './audit-record.dto';
import { AuditRecordsRepository } from './audit-records.repository';

const auditPosition = z.strictObject({ before: z.int().min(1) });

@Injectable()
export class AuditRecordsService {
  constructor(
    private readonly repository: AuditRecordsRepository,
    private readonly appender: AuditAppender,
  ) {}

  /**
   * Appends a record to the chain; the server assigns id, time and sequence, and the correlation id
   * comes from the trace context, never from the body. A body's actor and client address (a service
   * acting for its client) win over the audit API's own caller. A replayed Idempotency-Key answers
   * the record its first use appended.
   */
  async create(
    body: CreateAuditRecordDto,
    correlationId: string,
    caller: Caller,
    { deadline, signal, idempotency }: AppendOptions,
  ): Promise<AuditRecord | Replayed<AuditRecord>> {
    const { record, replayed } = await this.appender.append({
      record: {
        id: randomUUID(),
        createdDate: new Date().toISOString(),
        sourceSystemName: body.sourceSystemName,
        resource: body.resource,
        correlationId,
        actor: body.actor ?? caller.actor,
        clientAddress: body.clientAddress ?? caller.clientAddress,
      },
      deadline,
      signal,
      idempotency,
    });
    return replayed ? new Replayed(record) : record;
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
      position?.before,
    );
    return toPage(found, limit, (record) => ({ before: record.sequence }));
  }
}
