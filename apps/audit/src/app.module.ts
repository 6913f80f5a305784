import { platformImports } from '@app/shared';
import { Module } from '@nestjs/common';
import { AuditRecordsModule } from './audit-records/audit-records.module';
import { ChainModule } from './chain/chain.module';
import { AuditConfigModule } from './config/audit-config.module';
import { AuditConfig } from './config/audit.config';

@Module({
  imports: [
    ...platformImports(AuditConfigModule, AuditConfig),
    AuditRecordsModule,
    ChainModule,
  ],
})
export class AppModule {}
