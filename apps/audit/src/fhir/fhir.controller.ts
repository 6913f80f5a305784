import {
  All,
  Controller,
  Get,
  Header,
  Headers,
  Param,
  Query,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type {
  AuditEvent,
  Bundle,
  CapabilityStatement,
} from '@medplum/fhirtypes';
import { RequiresRole } from '../access/audit-role';
import { AuditRoleGuard } from '../access/audit-role.guard';
import { AuditEventsService } from './audit-events.service';
import { capabilityStatement } from './capability-statement';
import { FhirBaseUrl } from './fhir-base-url';
import { FhirFormatGuard } from './fhir-format.guard';
import { FHIR_JSON } from './fhir-json';
import { OperationOutcomeFilter } from './operation-outcome.filter';
import { unsupportedInteraction } from './unsupported-interaction';

/**
 * The register as FHIR R4 AuditEvents, for auditors' keys only, like the JSON API's reads. Its
 * contract is the CapabilityStatement at /api/fhir/metadata, not the OpenAPI document.
 */
@ApiExcludeController()
@Controller('fhir')
@UseGuards(AuditRoleGuard, FhirFormatGuard)
@UseFilters(OperationOutcomeFilter)
export class FhirController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly baseUrl: FhirBaseUrl,
  ) {}

  @Get('metadata')
  @RequiresRole('reader')
  @Header('content-type', FHIR_JSON)
  metadata(@Req() request: FastifyRequest): CapabilityStatement {
    return capabilityStatement(this.baseUrl.of(request));
  }

  @Get('AuditEvent')
  @RequiresRole('reader')
  @Header('content-type', FHIR_JSON)
  search(
    @Query() query: Record<string, unknown>,
    @Headers('prefer') prefer: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<Bundle> {
    return this.events.search(query, prefer, this.baseUrl.of(request));
  }

  @Get('AuditEvent/:id')
  @RequiresRole('reader')
  @Header('content-type', FHIR_JSON)
  read(@Param('id') id: string): Promise<AuditEvent> {
    return this.events.read(id);
  }

  /** Any other method or path under /api/fhir: an OperationOutcome, not the JSON API's problem. */
  @All('*')
  @RequiresRole('reader')
  unsupported(@Req() request: FastifyRequest): never {
    return unsupportedInteraction(
      request.method,
      request.url.split('?')[0].replace(/^.*?\/fhir/, ''),
    );
  }
}
