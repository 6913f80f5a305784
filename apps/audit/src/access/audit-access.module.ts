import { KeyVaultSecrets } from '@app/shared/key-vault';
import { Global, Module } from '@nestjs/common';
import { AuditConfig } from '../config/audit.config';
import { AuditRoleKeys } from './audit-role';
import { AuditRoleGuard } from './audit-role.guard';

/** The keys of each role and the guard that checks them, for every controller of the register. */
@Global()
@Module({
  providers: [
    {
      provide: AuditRoleKeys,
      inject: [AuditConfig, KeyVaultSecrets],
      useFactory: (config: AuditConfig, secrets: KeyVaultSecrets) =>
        AuditRoleKeys.from(config, secrets),
    },
    AuditRoleGuard,
  ],
  exports: [AuditRoleKeys, AuditRoleGuard],
})
export class AuditAccessModule {}
