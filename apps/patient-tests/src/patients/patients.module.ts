import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PATIENT_MODEL, PatientSchema } from './patient.schema';
import {
  PATIENT_IDENTIFIER_CLAIM_MODEL,
  PatientIdentifierClaimSchema,
} from './patient-identifier-claim.schema';
import {
  PATIENT_VERSION_CLAIM_MODEL,
  PatientVersionClaimSchema,
} from './patient-version-claim.schema';
import { PatientsController } from './patients.controller';
import { PatientsRepository } from './patients.repository';
import { PatientsService } from './patients.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: PATIENT_MODEL, schema: PatientSchema },
      { name: PATIENT_VERSION_CLAIM_MODEL, schema: PatientVersionClaimSchema },
      {
        name: PATIENT_IDENTIFIER_CLAIM_MODEL,
        schema: PatientIdentifierClaimSchema,
      },
    ]),
  ],
  controllers: [PatientsController],
  providers: [PatientsService, PatientsRepository],
  exports: [PatientsService],
})
export class PatientsModule {}
