import {
  Controller,
  Get,
  Headers,
  Param,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audited } from '../../audit/audited.decorator';
import { patientIdsIn } from '../disclosed-patients';
import { FhirBaseUrl } from '../fhir-base-url';
import { FhirResultInterceptor } from '../fhir-result';
import { FhirDiagnosticReportsService } from './fhir-diagnostic-reports.service';

/** FHIR R4 DiagnosticReport (created through a transaction Bundle, see FhirTransactionController). */
@ApiExcludeController()
@UseInterceptors(FhirResultInterceptor)
@Controller('fhir/DiagnosticReport')
export class FhirDiagnosticReportController {
  constructor(
    private readonly reports: FhirDiagnosticReportsService,
    private readonly baseUrl: FhirBaseUrl,
  ) {}

  @Get()
  @Audited({
    resource: 'test',
    operation: 'search',
    resourceId: 'none',
    patients: 'returned',
    disclosedIn: patientIdsIn,
  })
  search(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Headers('prefer') prefer?: string,
  ) {
    return this.reports.search(query, prefer, this.baseUrl.of(request));
  }

  @Get(':id')
  @Audited({
    resource: 'test',
    operation: 'read',
    resourceId: { param: 'id' },
    patients: 'returned',
    disclosedIn: patientIdsIn,
  })
  read(@Param('id') id: string) {
    return this.reports.read(id);
  }
}
