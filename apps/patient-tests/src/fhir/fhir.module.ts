import { Module } from '@nestjs/common';
import { MedicalTestsModule } from '../medical-tests/medical-tests.module';
import { PatientsModule } from '../patients/patients.module';
import { FhirDiagnosticReportController } from './diagnostic-report/fhir-diagnostic-report.controller';
import { FhirDiagnosticReportsService } from './diagnostic-report/fhir-diagnostic-reports.service';
import { FhirBaseUrl } from './fhir-base-url';
import { FhirWire } from './fhir-wire';
import { FhirMetadataController } from './metadata/fhir-metadata.controller';
import { FhirObservationController } from './observation/fhir-observation.controller';
import { FhirObservationsService } from './observation/fhir-observations.service';
import { FhirPatientController } from './patient/fhir-patient.controller';
import { FhirPatientsService } from './patient/fhir-patients.service';
import { FhirTransactionController } from './transaction/fhir-transaction.controller';
import { FhirTransactionService } from './transaction/fhir-transaction.service';

/** FHIR R4 under `/api/fhir`, over the same stores, keys and audit as the JSON API. */
@Module({
  imports: [PatientsModule, MedicalTestsModule],
  controllers: [
    FhirMetadataController,
    FhirTransactionController,
    FhirPatientController,
    FhirDiagnosticReportController,
    FhirObservationController,
  ],
  providers: [
    FhirWire,
    FhirBaseUrl,
    FhirPatientsService,
    FhirDiagnosticReportsService,
    FhirObservationsService,
    FhirTransactionService,
  ],
})
export class FhirModule {}
