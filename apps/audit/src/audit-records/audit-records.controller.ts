import {
  ApiProblemResponses,
  Caller,
  CorrelationId,
  RequestCaller,
  FUNCTION_KEY_HEADER_SCHEME,
  FUNCTION_KEY_QUERY_SCHEME,
  Idempotent,
  responseHeaders,
} from '@app/shared';
import { Body, Controller, Get, Post, Query } from '@nestjs/common';
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
import { AuditRecordsService } from './audit-records.service';

@ApiTags('audit records')
@ApiSecurity(FUNCTION_KEY_HEADER_SCHEME)
@ApiSecurity(FUNCTION_KEY_QUERY_SCHEME)
@Controller('auditrecord')
export class AuditRecordsController {
  constructor(private readonly records: AuditRecordsService) {}

  @Post()
  @Idempotent()
  @ApiCreatedResponse({
    type: AuditRecordDto,
    headers: responseHeaders('idempotentReplayed'),
  })
  @ApiProblemResponses(400, 413, 415)
  create(
    @Body() body: CreateAuditRecordDto,
    @CorrelationId() correlationId: string,
    @RequestCaller() caller: Caller,
  ): Promise<AuditRecord> {
    return this.records.create(body, correlationId, caller);
  }

  @Get()
  @ApiOkResponse({
    type: [AuditRecordDto],
    description: 'Newest first; x-continuation-token when more exist.',
    headers: responseHeaders('continuationToken'),
  })
  @ApiProblemResponses(400)
  query(@Query() query: AuditQueryDto) {
    return this.records.query(query);
  }
}
