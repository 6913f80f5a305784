import { randomUUID } from 'node:crypto';
import { Caller, Page, paginate } from '@app/shared/http';
import { Replayed } from '@app/shared/idempotency';
import { withoutEmpty } from '@app/shared/json';
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

const nonEmpty = <T extends object>(value: T): T | undefined => {
  const members = withoutEmpty(value);
  return Object.keys(members).length > 0 ? members : undefined;
};

/** Where the next page of a newest-first listing starts: below this sequence. */
export const auditPosition = z.strictObject({ before: z.int().min(1) });

@Injectable()
export class AuditRecordsService {
  constructor(
    private readonly repository: AuditRecordsRepository,
    private readonly appender: AuditAppender,
  ) {}

  /**
   * Appends a record to the chain; the server assigns id, time and sequence, and the correlation id
   * comes from the trace context, never from the body. `actor` and `clientAddress` are always the
   * audit API's own, verified caller; a body's actor (a service naming its own client) is only that
   * caller's assertion, so it is kept apart as `onBehalfOf` and can never stand in for the caller.
   * A replayed Idempotency-Key answers the record its first use appended.
   */
  async create(
    body: CreateAuditRecordDto,
    correlationId: string,
    caller: Caller,
    { deadline, signal, idempotency }: AppendOptions,
  ): Promise<AuditRecord | Replayed<AuditRecord>> {
    const { record, replayed } = await this.appender.append({
      record: withoutEmpty({
        id: randomUUID(),
        createdDate: new Date().toISOString(),
        sourceSystemName: body.sourceSystemName,
        resource: body.resource,
        // Each patient once, in the order named (a search's result order).
        patientIds: [...new Set(body.patientIds)],
        outcome: body.outcome,
        attemptId: body.attemptId,
        correlationId,
        actor: caller.actor,
        clientAddress: caller.clientAddress,
        unverified: caller.unverified,
        onBehalfOf: nonEmpty({
          actor: body.actor,
          clientAddress: body.clientAddress,
          unverified: body.unverified,
        }),
      }),
      deadline,
      signal,
      idempotency,
    });
    return replayed ? new Replayed(record) : record;
  }

  query({
    limit,
    continuationToken,
    from,
    to,
    ...filter
  }: AuditQuery): Promise<Page<AuditRecord>> {
    const criteria = {
      ...filter,
      from: from ? new Date(from) : undefined,
      to: to ? new Date(to) : undefined,
    };
    return paginate(
      { limit, continuationToken },
      auditPosition,
      (fetchLimit, position) =>
        this.repository.query(criteria, fetchLimit, position?.before),
      (record) => ({ before: record.sequence }),
    );
  }
}
