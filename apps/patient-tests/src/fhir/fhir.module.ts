import { Module } from '@nestjs/common';
import { PatientsModule } from '../patients/patients.module';
import { FhirBaseUrl } from './fhir-base-url';
import { FhirWire } from './fhir-wire';
import { FhirPatientController } from './patient/fhir-patient.controller';
import { FhirPatientsService } from './patient/fhir-patients.service';

/** FHIR R4 under `/api/fhir`, over the same stores, keys and audit as the JSON API. */
@Module({
  imports: [PatientsModule],
  controllers: [FhirPatientController],
  providers: [FhirWire, FhirBaseUrl, FhirPatientsService],
})
export class FhirModule {}
