import {
  commonConfigShape,
  AppHost,
  configToken,
  integerVariable,
  PLAIN_HTTP_HOST,
  parseConfig,
  portVariable,
  requireApiKeysUnlessHostChecks,
} from '@app/shared/config';
import { keyVaultVariables, WithoutSecrets } from '@app/shared/key-vault';
import { z } from 'zod';

/** Every environment variable patient-tests reads; this schema is the one list. */
export const patientTestsConfigSchema = z.object({
  ...commonConfigShape,
  ...keyVaultVariables({
    MONGODB_URI: 'mongodb-uri',
    API_KEYS: 'patient-tests-api-keys',
    AUDIT_API_KEY: 'audit-api-key',
    GATEWAY_SECRET: null,
  }),
  PORT: portVariable(7071),
  MONGODB_DATABASE: z.string().min(1).max(63).default('patient-tests'),
  AUDIT_API_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http(s) URL, e.g. http://localhost:7072/api',
    })
    .default('http://localhost:7072/api')
    .transform((url) => url.replace(/\/+$/, '')),
  AUDIT_API_KEY: z
    .string()
    .min(
      16,
      'must be set to a key the audit API accepts (at least 16 characters)',
    ),
  AUDIT_TIMEOUT_MS: integerVariable(2000, 1, 60000),
});

/**
 * The parsed configuration, injected by this class. Without the secret settings (those listed in
 * `keyVaultVariables`): each is its own injectable, e.g. `AuditApiKey`.
 */
export abstract class PatientTestsConfig extends configToken<
  WithoutSecrets<z.output<typeof patientTestsConfigSchema>>
>() {}

/** Every variable, secrets included, as checked at start-up; the config module splits the secrets off. */
export const loadPatientTestsConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
  host: AppHost = PLAIN_HTTP_HOST,
) =>
  parseConfig(
    patientTestsConfigSchema.refine(...requireApiKeysUnlessHostChecks(host)),
    env,
  );
