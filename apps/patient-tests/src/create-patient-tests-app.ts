import type { AppHost } from '@app/shared/config';
import { OpenApiInfo } from '@app/shared/openapi';
import { createApp } from '@app/shared/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';

export const PATIENT_TESTS_API: OpenApiInfo = {
  title: 'Patient tests API',
  description:
    'Patients and the results of their medical tests. Every access is recorded in the audit register.',
  version: '1.0.0',
};

/** The one factory every host uses (plain HTTP, Azure Functions, tests), so all run the same pipeline. */
export const createPatientTestsApp = (
  host?: AppHost,
): Promise<NestFastifyApplication> =>
  createApp(AppModule, PATIENT_TESTS_API, host);
