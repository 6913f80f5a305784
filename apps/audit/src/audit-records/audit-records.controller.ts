import { Caller, CorrelationId, RequestCaller } from '@app/shared/http';
import { Replayed } from '@app/shared/idempotency';
import {
  ApiProblemResponses,
  FUNCTION_KEY_HEADER_SCHEME,
  FUNCTION_KEY_QUERY_SCHEME,
  ApiIdempotencyKey,
  responseHeaders,
} from '@app/shared/openapi';
import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import {
  AuditQueryDto,
  AuditRecord,
  AuditRecordDto,
  CreateAuditRecordDto,
} from './audit-record.dto';
import { AppendOptions, AppendOptionsOf } from './append-options.decorator';
import { AuditRecordsService } from './audit-records.service';
import { RequiresRole } from '../access/audit-role';
import { AuditRoleGuard } from '../access/audit-role.guard';

@ApiTags('audit records')
@ApiSecurity(FUNCTION_KEY_HEADER_SCHEME)
@ApiSecurity(FUNCTION_KEY_QUERY_SCHEME)
@Controller('auditrecord')
@UseGuards(AuditRoleGuard)
export class AuditRecordsController {
  constructor(private readonly records: AuditRecordsService) {}

  @Post()
  @RequiresRole('append')
  // Idempotency-Key is kept by the append itself (the key names the record it produces), not by the
  // generic interceptor, so a keyed append costs one extra write, batched with the others.
  @ApiIdempotencyKey()
  @ApiCreatedResponse({
    type: AuditRecordDto,
    headers: responseHeaders('idempotentReplayed'),
  })
  @ApiProblemResponses(400, 403, 413, 415)
  create(
    @Body() body: CreateAuditRecordDto,
    @CorrelationId() correlationId: string,
    @RequestCaller() caller: Caller,
    @AppendOptionsOf() options: AppendOptions,
  ): Promise<AuditRecord | Replayed<AuditRecord>> {
    return this.records.create(body, correlationId, caller, options);
  }

  @Get()
  @RequiresRole('reader')
  @ApiOkResponse({
    type: [AuditRecordDto],
    description: 'Newest first; x-continuation-token when more exist.',
    headers: responseHeaders('continuationToken'),
  })
  @ApiProblemResponses(400, 403)
  query(@Query() query: AuditQueryDto) {
    return this.records.query(query);
  }
}
