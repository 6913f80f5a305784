import { platformImports } from '@app/shared';
import { Module } from '@nestjs/common';
import { AuditRecordsModule } from './audit-records/audit-records.module';
import { AuditConfigModule } from './config/audit-config.module';
import { AuditConfig } from './config/audit.config';

@Module({
  imports: [
    ...platformImports(AuditConfigModule, AuditConfig),
    AuditRecordsModule,
  ],
})
export class AppModule {}
