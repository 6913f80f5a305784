import { randomBytes } from 'node:crypto';
import { Environment } from '@app/shared/config';
import { OpenApiInfo } from '@app/shared/openapi';
import { configureApp, createFastifyAdapter } from '@app/shared/platform';
import type { Type } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModule } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import { AppModule as AuditAppModule } from '../../../apps/audit/src/app.module';
import { AUDIT_API } from '../../../apps/audit/src/create-audit-app';
import { AppModule as PatientTestsAppModule } from '../../../apps/patient-tests/src/app.module';
import { PATIENT_TESTS_API } from '../../../apps/patient-tests/src/create-patient-tests-app';
import { HttpClient } from '../../support/http';
import { databaseUri } from './databases';

export const PATIENT_TESTS_KEY = 'e2e-patient-tests-key-0001';
/** The audit key patient-tests holds: it may only append (audit's API_KEYS). */
export const AUDIT_KEY = 'e2e-audit-key-000000000001';
/** An auditor's key: it may read, query and verify, never append (audit's AUDIT_READER_KEYS). */
export const AUDIT_READER_KEY = 'e2e-audit-reader-key-00001';

/** A running app on a real socket, with a client that sends its key. */
export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  client: HttpClient;
  database: Connection;
  close(): Promise<void>;
}

export { databaseUri } from './databases';

/** A database name no other test file uses, so files can run in parallel. */
export const uniqueDatabase = (prefix: string) =>
  `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * Starts an app through its real configuration path, reading `env` instead of this process's
 * environment (which both apps share here).
 */
async function start(
  module: Type,
  env: Record<string, string>,
  openApi: OpenApiInfo,
  key: string,
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule({ imports: [module] })
    .overrideProvider(Environment)
    .useValue(env)
    .compile();
  return serve(moduleRef, openApi, { 'x-functions-key': key });
}

/** Serves a compiled app module on a free local port, as configureApp does in production. */
export async function serve(
  moduleRef: TestingModule,
  openApi: OpenApiInfo,
  clientHeaders: Record<string, string> = {},
): Promise<RunningApp> {
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(),
    { bufferLogs: true },
  );
  configureApp(app, openApi);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  const database = app.get<Connection>(getConnectionToken());
  return {
    app,
    url,
    database,
    client: new HttpClient(url, clientHeaders),
    close: async () => {
      await database.dropDatabase().catch(() => undefined);
      await app.close();
    },
  };
}

/** The audit app: `client` reads with the reader key, `appender` appends with patient-tests' key. */
export interface RunningAudit extends RunningApp {
  appender: HttpClient;
}

/** The audit app on its own store, configured as in production but for keys and names. */
export async function startAudit(
  overrides: Record<string, string> = {},
): Promise<RunningAudit> {
  const env = {
    MONGODB_URI: databaseUri('audit'),
    MONGODB_DATABASE: uniqueDatabase('e2e-audit'),
    API_KEYS: AUDIT_KEY,
    AUDIT_READER_KEYS: AUDIT_READER_KEY,
    LOG_LEVEL: 'silent',
    ...overrides,
  };
  const audit = await start(AuditAppModule, env, AUDIT_API, AUDIT_READER_KEY);
  return {
    ...audit,
    appender: audit.client.with({ 'x-functions-key': AUDIT_KEY }),
  };
}

/** patient-tests on its own store, calling the audit API at `auditUrl` over HTTP. */
export function startPatientTests(
  auditUrl: string,
  overrides: Record<string, string> = {},
): Promise<RunningApp> {
  const env = {
    MONGODB_URI: databaseUri('patient-tests'),
    MONGODB_DATABASE: uniqueDatabase('e2e-patient-tests'),
    API_KEYS: PATIENT_TESTS_KEY,
    AUDIT_API_URL: auditUrl,
    AUDIT_API_KEY: AUDIT_KEY,
    // Generous: suites run in parallel on 2 cores; the timeout tests set their own short one.
    AUDIT_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
  return start(
    PatientTestsAppModule,
    env,
    PATIENT_TESTS_API,
    PATIENT_TESTS_KEY,
  );
}

/** Both apps, patient-tests auditing through the real audit app. */
export async function startStack(): Promise<{
  patientTests: RunningApp;
  audit: RunningAudit;
  close(): Promise<void>;
}> {
  const audit = await startAudit();
  const patientTests = await startPatientTests(audit.url);
  return {
    patientTests,
    audit,
    close: async () => {
      await patientTests.close();
      await audit.close();
    },
  };
}
