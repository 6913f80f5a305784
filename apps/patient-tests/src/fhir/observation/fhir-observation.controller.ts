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
import { FhirObservationsService } from './fhir-observations.service';
import { testIdOfObservation } from './observation.mapper';

/** FHIR R4 Observation: each observation of a test (created with its report, see FhirTransactionController). */
@ApiExcludeController()
@UseInterceptors(FhirResultInterceptor)
@Controller('fhir/Observation')
export class FhirObservationController {
  constructor(
    private readonly observations: FhirObservationsService,
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
    return this.observations.search(query, prefer, this.baseUrl.of(request));
  }

  @Get(':id')
  @Audited({
    resource: 'test',
    operation: 'read',
    // An observation is read as part of its test: the register names the test (its DiagnosticReport).
    resourceId: { param: 'id', recordedAs: testIdOfObservation },
    patients: 'returned',
    disclosedIn: patientIdsIn,
  })
  read(@Param('id') id: string) {
    return this.observations.read(id);
  }
}
