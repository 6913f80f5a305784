import { Location, PageQueryDto, Versioned } from '@app/shared/http';
import { Idempotent } from '@app/shared/idempotency';
import {
  ApiIfMatch,
  ApiProblemResponses,
  FUNCTION_KEY_HEADER_SCHEME,
  FUNCTION_KEY_QUERY_SCHEME,
  responseHeaders,
} from '@app/shared/openapi';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { AssignedId } from '../audit/assigned-id.decorator';
import { Audited } from '../audit/audited.decorator';
import {
  CreatePatientDto,
  Patient,
  PatientDto,
  SearchCriteriaDto,
  UpdatePatientDto,
} from './patient.dto';
import { PatientsService } from './patients.service';
import { ApiResourceIdParam, ResourceIdPipe } from '../resource-id';
import { patientNotFound } from './patient.errors';

@ApiTags('patients')
@ApiSecurity(FUNCTION_KEY_HEADER_SCHEME)
@ApiSecurity(FUNCTION_KEY_QUERY_SCHEME)
@Controller('patient')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Post()
  @Idempotent()
  @Audited({
    resource: 'patient',
    operation: 'create',
    resourceId: 'assigned',
    patients: 'assigned',
  })
  @Location((patient: Patient) => `patient/${patient.id}`)
  @ApiCreatedResponse({
    type: PatientDto,
    headers: responseHeaders('etag', 'location', 'idempotentReplayed'),
  })
  @ApiProblemResponses(400, 413, 415)
  create(
    @Body() body: CreatePatientDto,
    @AssignedId() id: string,
  ): Promise<Versioned<Patient>> {
    return this.patients.create(id, body);
  }

  @Post('search')
  @HttpCode(200)
  @Audited({
    resource: 'patient',
    operation: 'search',
    resourceId: 'none',
    patients: 'returned',
  })
  @ApiOkResponse({
    type: [PatientDto],
    description: 'Matches in id order; x-continuation-token when more exist.',
    headers: responseHeaders('continuationToken'),
  })
  @ApiProblemResponses(400, 413, 415)
  search(@Body() criteria: SearchCriteriaDto, @Query() page: PageQueryDto) {
    return this.patients.search(criteria, page);
  }

  @Get(':patientId')
  @Audited({
    resource: 'patient',
    operation: 'read',
    resourceId: { param: 'patientId' },
    patients: { param: 'patientId' },
  })
  @ApiResourceIdParam('patientId', 'The patient id')
  @ApiOkResponse({ type: PatientDto, headers: responseHeaders('etag') })
  @ApiProblemResponses(404)
  get(
    @Param('patientId', new ResourceIdPipe(patientNotFound)) id: string,
  ): Promise<Versioned<Patient>> {
    return this.patients.get(id);
  }

  @Put(':patientId')
  @Audited({
    resource: 'patient',
    operation: 'update',
    resourceId: { param: 'patientId' },
    patients: { param: 'patientId' },
  })
  @ApiResourceIdParam('patientId', 'The patient id')
  @ApiIfMatch()
  @ApiOkResponse({ type: PatientDto, headers: responseHeaders('etag') })
  @ApiProblemResponses(400, 404, 412, 413, 415)
  update(
    @Param('patientId', new ResourceIdPipe(patientNotFound)) id: string,
    @Body() body: UpdatePatientDto,
    @Headers('If-Match') ifMatch?: string,
  ): Promise<Versioned<Patient>> {
    return this.patients.update(id, body, ifMatch);
  }
}
