import { platformImports } from '@app/shared';
import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { PatientTestsConfigModule } from './config/patient-tests-config.module';
import { PatientTestsConfig } from './config/patient-tests.config';
import { FhirModule } from './fhir/fhir.module';
import { MedicalTestsModule } from './medical-tests/medical-tests.module';
import { PatientsModule } from './patients/patients.module';

@Module({
  imports: [
    ...platformImports(PatientTestsConfigModule, PatientTestsConfig),
    AuditModule,
    PatientsModule,
    MedicalTestsModule,
    FhirModule,
  ],
})
export class AppModule {}
