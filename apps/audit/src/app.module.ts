import { platformImports } from '@app/shared/platform';
import { Module } from '@nestjs/common';
import { AuditAccessModule } from './access/audit-access.module';
import { AuditRoleKeys } from './access/audit-role';
import { AuditRecordsModule } from './audit-records/audit-records.module';
import { ChainModule } from './chain/chain.module';
import { AuditConfigModule } from './config/audit-config.module';
import { AuditConfig } from './config/audit.config';
import { ExplorerModule } from './explorer/explorer.module';
import { FhirModule } from './fhir/fhir.module';

@Module({
  imports: [
    // A key of either role authenticates; AuditRoleGuard then checks the route's role.
    ...platformImports(AuditConfigModule, AuditConfig, {
      inboundKeys: AuditRoleKeys,
      // The auditors' API in API Management passes the Functions host with a key of its own, which is
      // in neither role's list, and forwards the auditor's reader key for this app to check
      // (terraform/README.md, "The auditors' path").
      gatewayForwardsCallerKeys: true,
    }),
    AuditAccessModule,
    AuditRecordsModule,
    ChainModule,
    ExplorerModule,
    FhirModule,
  ],
})
export class AppModule {}
