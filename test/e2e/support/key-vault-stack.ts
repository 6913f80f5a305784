import { Environment } from '@app/shared/config';
import { SecretClientFactory } from '@app/shared/key-vault';
import { OpenApiInfo } from '@app/shared/openapi';
import type { Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule as AuditAppModule } from '../../../apps/audit/src/app.module';
import { AUDIT_API } from '../../../apps/audit/src/create-audit-app';
import { AppModule as PatientTestsAppModule } from '../../../apps/patient-tests/src/app.module';
import { PATIENT_TESTS_API } from '../../../apps/patient-tests/src/create-patient-tests-app';
import type { KeyVaultDouble } from './key-vault-double';
import { RunningApp, serve, uniqueDatabase } from './stack';

/**
 * Starts an app through its real configuration path: its config module reads `env` (instead of this
 * process's environment, which both apps share here) and Key Vault through `vault`'s client (stub
 * credential). Nothing else is overridden, so start-up fails exactly as in production.
 */
async function startWithVault(
  module: Type,
  openApi: OpenApiInfo,
  env: Record<string, string>,
  vault: KeyVaultDouble,
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule({ imports: [module] })
    .overrideProvider(Environment)
    .useValue(env)
    .overrideProvider(SecretClientFactory)
    .useValue(vault.clientFactory())
    .compile();
  return serve(moduleRef, openApi);
}

/**
 * The secret names one test uses, prefixed so tests sharing a vault never see each other's secrets.
 * Each app has its own connection string (its own store and credential), as in Azure.
 */
export function secretNames(prefix: string) {
  return {
    auditMongodbUri: `${prefix}-audit-mongodb-uri`,
    patientTestsMongodbUri: `${prefix}-patient-tests-mongodb-uri`,
    auditApiKeys: `${prefix}-audit-api-keys`,
    auditReaderKeys: `${prefix}-audit-reader-keys`,
    gatewaySecret: `${prefix}-gateway-secret`,
    patientTestsApiKeys: `${prefix}-patient-tests-api-keys`,
    auditApiKey: `${prefix}-audit-api-key`,
  };
}

/** The audit app with every secret setting left to Key Vault. */
export function startAuditWithVault(
  vault: KeyVaultDouble,
  prefix: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const names = secretNames(prefix);
  return startWithVault(
    AuditAppModule,
    AUDIT_API,
    {
      KEY_VAULT_URI: vault.url,
      KEY_VAULT_SECRET_MONGODB_URI: names.auditMongodbUri,
      KEY_VAULT_SECRET_API_KEYS: names.auditApiKeys,
      KEY_VAULT_SECRET_AUDIT_READER_KEYS: names.auditReaderKeys,
      MONGODB_DATABASE: uniqueDatabase('e2e-kv-audit'),
      LOG_LEVEL: 'silent',
      ...env,
    },
    vault,
  );
}

/** patient-tests with every secret setting left to Key Vault, calling audit at `auditUrl`. */
export function startPatientTestsWithVault(
  vault: KeyVaultDouble,
  prefix: string,
  auditUrl: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const names = secretNames(prefix);
  return startWithVault(
    PatientTestsAppModule,
    PATIENT_TESTS_API,
    {
      KEY_VAULT_URI: vault.url,
      KEY_VAULT_SECRET_MONGODB_URI: names.patientTestsMongodbUri,
      KEY_VAULT_SECRET_API_KEYS: names.patientTestsApiKeys,
      KEY_VAULT_SECRET_AUDIT_API_KEY: names.auditApiKey,
      MONGODB_DATABASE: uniqueDatabase('e2e-kv-patient-tests'),
      AUDIT_API_URL: auditUrl,
      AUDIT_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'silent',
      ...env,
    },
    vault,
  );
}

/** Retries `check` until it passes or `timeoutMs` runs out (then its last failure is thrown). */
export async function eventually(
  check: () => Promise<void>,
  timeoutMs = 10000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
