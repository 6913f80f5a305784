import { AppApiKeys } from '@app/shared/key-vault';
import { Global, Module } from '@nestjs/common';
import { AuditReaderKeys, auditReaderKeysProvider } from './audit-reader-keys';
import { AuditRoleKeys } from './audit-role';
import { AuditRoleGuard } from './audit-role.guard';

/** The keys of each role and the guard that checks them, for every controller of the register. */
@Global()
@Module({
  providers: [
    auditReaderKeysProvider,
    {
      provide: AuditRoleKeys,
      // Audit's API_KEYS are the keys patient-tests holds, which may only append.
      inject: [AppApiKeys, AuditReaderKeys],
      useFactory: (append: AppApiKeys, reader: AuditReaderKeys) =>
        new AuditRoleKeys({ append, reader }),
    },
    AuditRoleGuard,
  ],
  exports: [AuditRoleKeys, AuditRoleGuard],
})
export class AuditAccessModule {}
