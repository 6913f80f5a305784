import {
  Body,
  Controller,
  Get,
  Headers,
  Param,
  Post,
  Put,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AssignedId } from '../../audit/assigned-id.decorator';
import { Audited } from '../../audit/audited.decorator';
import { patientIdsIn } from '../disclosed-patients';
import { FhirBaseUrl } from '../fhir-base-url';
import { FhirResultInterceptor } from '../fhir-result';
import { FhirPatientDto } from './fhir-patient.dto';
import { FhirPatientsService } from './fhir-patients.service';

/** FHIR R4 Patient; described by the CapabilityStatement, not the OpenAPI document. */
@ApiExcludeController()
@UseInterceptors(FhirResultInterceptor)
@Controller('fhir/Patient')
export class FhirPatientController {
  constructor(
    private readonly patients: FhirPatientsService,
    private readonly baseUrl: FhirBaseUrl,
  ) {}

  @Post()
  @Audited({
    resource: 'patient',
    operation: 'create',
    resourceId: 'assigned',
    patients: 'assigned',
    disclosedIn: patientIdsIn,
  })
  create(
    @Body() body: FhirPatientDto,
    @AssignedId() id: string,
    @Headers('if-none-exist') ifNoneExist?: string,
  ) {
    return this.patients.create(id, body, ifNoneExist);
  }

  @Get()
  @Audited({
    resource: 'patient',
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
    return this.patients.search(query, prefer, this.baseUrl.of(request));
  }

  @Get(':id')
  @Audited({
    resource: 'patient',
    operation: 'read',
    resourceId: { param: 'id' },
    patients: { param: 'id' },
  })
  read(@Param('id') id: string) {
    return this.patients.read(id);
  }

  @Get(':id/_history/:versionId')
  @Audited({
    resource: 'patient',
    operation: 'read',
    resourceId: { param: 'id' },
    patients: { param: 'id' },
  })
  readVersion(@Param('id') id: string, @Param('versionId') versionId: string) {
    return this.patients.readVersion(id, versionId);
  }

  @Put(':id')
  @Audited({
    resource: 'patient',
    operation: 'update',
    resourceId: { param: 'id' },
    patients: { param: 'id' },
  })
  update(
    @Param('id') id: string,
    @Body() body: FhirPatientDto,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.patients.update(id, body, ifMatch);
  }
}
