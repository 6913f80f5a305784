import type { ApplicationConfig } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { INTERCEPTOR_ORDER } from './app.module';
import { createPatientTestsApp } from './create-patient-tests-app';

const KEY = 'interceptor-order-spec-key-0001';

describe('the global interceptors of patient-tests', () => {
  let app: NestFastifyApplication;
  const saved = { ...process.env };

  beforeAll(async () => {
    // The app as every host builds it; the database connection is lazy, so none is needed.
    Object.assign(process.env, {
      API_KEYS: KEY,
      AUDIT_API_KEY: KEY,
      LOG_LEVEL: 'silent',
    });
    app = await createPatientTestsApp();
  });

  afterAll(async () => {
    await app?.close();
    process.env = saved;
  });

  it('run in the declared order: idempotency, then audit (a replayed create is never audited twice)', () => {
    // Nest keeps the registered global interceptors in its ApplicationConfig, which it does not expose.
    const config = (app as unknown as { config: ApplicationConfig }).config;
    const registered = config
      .getGlobalInterceptors()
      .map((interceptor) => interceptor.constructor);

    expect(registered).toEqual(INTERCEPTOR_ORDER);
    expect(registered.map((interceptor) => interceptor.name).slice(-2)).toEqual(
      ['IdempotencyInterceptor', 'AuditInterceptor'],
    );
  });
});
