import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { auditApiKeyProvider } from './audit-api-key';
import { AuditClient } from './audit-client';
import { AuditInterceptor } from './audit.interceptor';

/** Audits every declared route through the audit API (global interceptor). */
@Module({
  imports: [HttpModule],
  providers: [
    auditApiKeyProvider,
    AuditClient,
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
})
export class AuditModule {}
