import { Controller, Get, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audited } from '../../audit/audited.decorator';
import { FhirBaseUrl } from '../fhir-base-url';
import { capabilityStatement } from './capability-statement';

/** When this server's capabilities were last stated: when the process started. */
const STARTED = new Date().toISOString();

/** `GET /api/fhir/metadata`: the CapabilityStatement, the FHIR interface's own description. */
@ApiExcludeController()
@Controller('fhir/metadata')
export class FhirMetadataController {
  constructor(private readonly baseUrl: FhirBaseUrl) {}

  @Get()
  @Audited({
    resource: 'capabilities',
    operation: 'read',
    resourceId: 'none',
    patients: 'none',
  })
  read(@Req() request: FastifyRequest) {
    return capabilityStatement(this.baseUrl.of(request), STARTED);
  }
}
