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
import { AuditRecordsModule } from './audit-records/audit-records.module';
import { AuditConfigModule } from './config/audit-config.module';
import { AuditConfig } from './config/audit.config';

@Module({
  imports: [
    AuditConfigModule,
    LoggerModule.forRootAsync({
      inject: [AuditConfig],
      useFactory: (config: AuditConfig) =>
        loggerParams({ level: config.LOG_LEVEL, pretty: wantsPrettyLogs() }),
    }),
    MongooseModule.forRootAsync({
      inject: [AuditConfig],
      useFactory: (config: AuditConfig) =>
        mongooseOptions(config.MONGODB_URI, config.MONGODB_DATABASE),
    }),
    HttpPipelineModule.forRootAsync({
      inject: [AuditConfig, KeyVaultSecrets],
      useFactory: (config: AuditConfig, secrets: KeyVaultSecrets) => ({
        // Key Vault's current list when it holds the keys, so a rotation needs no restart.
        apiKeys: apiKeysFrom(secrets, config.API_KEYS),
        hostChecksKeys: Boolean(config.FUNCTIONS_WORKER_RUNTIME),
      }),
    }),
    HealthModule,
    // Before the feature modules: a replayed create must not reach their interceptors (audit).
    IdempotencyModule,
    AuditRecordsModule,
  ],
})
export class AppModule {}
