import {
  IdempotencyInterceptor,
  IdempotencyModule,
} from '@app/shared/idempotency';
import { platformImports } from '@app/shared/platform';
import { Module } from '@nestjs/common';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditModule } from './audit/audit.module';
import { PatientTestsConfigModule } from './config/patient-tests-config.module';
import { PatientTestsConfig } from './config/patient-tests.config';
import { FhirModule } from './fhir/fhir.module';
import { MedicalTestsModule } from './medical-tests/medical-tests.module';
import { PatientsModule } from './patients/patients.module';

/**
 * The global interceptors, outermost first: idempotency, then audit's (the platform registers none).
 * Idempotency before audit is what keeps a replayed create from writing a second audit record; it
 * follows from importing IdempotencyModule before AuditModule, and interceptor-order.spec.ts pins it.
 */
export const INTERCEPTOR_ORDER = [IdempotencyInterceptor, AuditInterceptor];

@Module({
  imports: [
    ...platformImports(PatientTestsConfigModule, PatientTestsConfig),
    IdempotencyModule,
    AuditModule,
    PatientsModule,
    MedicalTestsModule,
    FhirModule,
  ],
})
export class AppModule {}
