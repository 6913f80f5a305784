import { Global, Module } from '@nestjs/common';
import { AuditConfig, loadAuditConfig } from './audit.config';

/** Parses the environment once, when the app starts; a bad variable stops start-up. */
@Global()
@Module({
  providers: [{ provide: AuditConfig, useFactory: () => loadAuditConfig() }],
  exports: [AuditConfig],
})
export class AuditConfigModule {}
