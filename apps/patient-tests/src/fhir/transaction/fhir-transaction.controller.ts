import {
  Body,
  Controller,
  HttpCode,
  Post,
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
import {
  FhirTransactionService,
  patientIdsInTransaction,
} from './fhir-transaction.service';
import { TransactionBundleDto } from './transaction-bundle.dto';

/** `POST /api/fhir`: a transaction Bundle creating a DiagnosticReport with its Observations. */
@ApiExcludeController()
@UseInterceptors(FhirResultInterceptor)
@Controller('fhir')
export class FhirTransactionController {
  constructor(
    private readonly transactions: FhirTransactionService,
    private readonly baseUrl: FhirBaseUrl,
  ) {}

  @Post()
  @HttpCode(200)
  @Audited({
    resource: 'test',
    operation: 'create',
    resourceId: 'assigned',
    patients: { inBody: patientIdsInTransaction },
    disclosedIn: patientIdsIn,
  })
  transaction(
    @Body() bundle: TransactionBundleDto,
    @AssignedId() id: string,
    @Req() request: FastifyRequest,
  ) {
    return this.transactions.create(id, bundle, this.baseUrl.of(request));
  }
}
