import { platformImports } from '@app/shared/platform';
import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { PatientTestsConfigModule } from './config/patient-tests-config.module';
import { PatientTestsConfig } from './config/patient-tests.config';
import { MedicalTestsModule } from './medical-tests/medical-tests.module';
import { PatientsModule } from './patients/patients.module';

@Module({
  imports: [
    ...platformImports(PatientTestsConfigModule, PatientTestsConfig),
    AuditModule,
    PatientsModule,
    MedicalTestsModule,
  ],
})
export class AppModule {}
