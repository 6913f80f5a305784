import {
  apiKeysFrom,
  HealthModule,
  IdempotencyModule,
  HttpPipelineModule,
  KeyVaultSecrets,
  loggerParams,
  mongooseOptions,
  wantsPrettyLogs,
} from '@app/shared';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { PatientTestsConfigModule } from './config/patient-tests-config.module';
import { PatientTestsConfig } from './config/patient-tests.config';
import { MedicalTestsModule } from './medical-tests/medical-tests.module';
import { PatientsModule } from './patients/patients.module';

@Module({
  imports: [
    PatientTestsConfigModule,
    LoggerModule.forRootAsync({
      inject: [PatientTestsConfig],
      useFactory: (config: PatientTestsConfig) =>
        loggerParams({ level: config.LOG_LEVEL, pretty: wantsPrettyLogs() }),
    }),
    MongooseModule.forRootAsync({
      inject: [PatientTestsConfig],
      useFactory: (config: PatientTestsConfig) =>
        mongooseOptions(config.MONGODB_URI, config.MONGODB_DATABASE),
    }),
    HttpPipelineModule.forRootAsync({
      inject: [PatientTestsConfig, KeyVaultSecrets],
      useFactory: (config: PatientTestsConfig, secrets: KeyVaultSecrets) => ({
        // Key Vault's current list when it holds the keys, so a rotation needs no restart.
        apiKeys: apiKeysFrom(secrets, config.API_KEYS),
        hostChecksKeys: Boolean(config.FUNCTIONS_WORKER_RUNTIME),
      }),
    }),
    HealthModule,
    // Before the feature modules: a replayed create must not reach their interceptors (audit).
    IdempotencyModule,
    AuditModule,
    PatientsModule,
    MedicalTestsModule,
  ],
})
export class AppModule {}
