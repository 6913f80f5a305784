import type { AppHost } from '@app/shared/config';
import { OpenApiInfo } from '@app/shared/openapi';
import { createApp } from '@app/shared/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';

export const AUDIT_API: OpenApiInfo = {
  title: 'Audit API',
  description:
    'The audit register: who accessed which resource, when, and under which trace.',
  version: '1.0.0',
};

/** The one factory every host uses (plain HTTP, Azure Functions, tests), so all run the same pipeline. */
export const createAuditApp = (
  host?: AppHost,
): Promise<NestFastifyApplication> => createApp(AppModule, AUDIT_API, host);
