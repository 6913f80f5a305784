import { Location, PageQueryDto } from '@app/shared/http';
import { Idempotent } from '@app/shared/idempotency';
import {
  ApiProblemResponses,
  FUNCTION_KEY_HEADER_SCHEME,
  FUNCTION_KEY_QUERY_SCHEME,
  responseHeaders,
} from '@app/shared/openapi';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { AssignedId } from '../audit/assigned-id.decorator';
import { Audited } from '../audit/audited.decorator';
import {
  CreateMedicalTestDto,
  MedicalTest,
  MedicalTestDto,
} from './medical-test.dto';
import { MedicalTestsService } from './medical-tests.service';
import { patientNotFound } from '../patients/patient.errors';
import { ApiResourceIdParam, ResourceIdPipe } from '../resource-id';
import { invalidPatientId, medicalTestNotFound } from './medical-test.errors';

@ApiTags('tests')
@ApiResourceIdParam('patientId', 'The patient id')
@ApiSecurity(FUNCTION_KEY_HEADER_SCHEME)
@ApiSecurity(FUNCTION_KEY_QUERY_SCHEME)
@Controller('patient/:patientId/tests')
export class MedicalTestsController {
  constructor(private readonly medicalTests: MedicalTestsService) {}

  @Post()
  @Idempotent()
  @Audited({
    resource: 'test',
    operation: 'create',
    resourceId: 'assigned',
    patients: { param: 'patientId' },
  })
  @Location((test: MedicalTest) => `patient/${test.patientId}/tests/${test.id}`)
  @ApiCreatedResponse({
    type: MedicalTestDto,
    headers: responseHeaders('location', 'idempotentReplayed'),
  })
  @ApiProblemResponses(400, 404, 413, 415)
  create(
    @Param('patientId', new ResourceIdPipe(invalidPatientId))
    patientId: string,
    @Body() body: CreateMedicalTestDto,
    @AssignedId() id: string,
  ): Promise<MedicalTest> {
    return this.medicalTests.create(patientId, id, body);
  }

  /** Every test of one patient: the record names that patient, even when the list is empty. */
  @Get()
  @Audited({
    resource: 'test',
    operation: 'list',
    resourceId: 'none',
    patients: { param: 'patientId' },
  })
  @ApiOkResponse({
    type: [MedicalTestDto],
    description: 'In id order; x-continuation-token when more exist.',
    headers: responseHeaders('continuationToken'),
  })
  @ApiProblemResponses(400, 404)
  list(
    @Param('patientId', new ResourceIdPipe(patientNotFound)) patientId: string,
    @Query() page: PageQueryDto,
  ) {
    return this.medicalTests.list(patientId, page);
  }

  @Get(':testId')
  @Audited({
    resource: 'test',
    operation: 'read',
    resourceId: { param: 'testId' },
    patients: { param: 'patientId' },
  })
  @ApiResourceIdParam('testId', 'The test id')
  @ApiOkResponse({ type: MedicalTestDto, headers: responseHeaders() })
  @ApiProblemResponses(404)
  get(
    @Param('patientId', new ResourceIdPipe(medicalTestNotFound))
    patientId: string,
    @Param('testId', new ResourceIdPipe(medicalTestNotFound)) testId: string,
  ): Promise<MedicalTest> {
    return this.medicalTests.get(patientId, testId);
  }
}
