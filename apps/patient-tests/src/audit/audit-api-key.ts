import {
  KeyVaultSecrets,
  RotatingSecret,
  rotatingSecret,
} from '@app/shared/key-vault';
import type { Provider } from '@nestjs/common';
import { PatientTestsConfig } from '../config/patient-tests.config';

/** The key patient-tests presents to the audit API (`AUDIT_API_KEY`), rotated in Key Vault. */
export abstract class AuditApiKey extends RotatingSecret {}

export const auditApiKeyProvider: Provider = {
  provide: AuditApiKey,
  inject: [KeyVaultSecrets, PatientTestsConfig],
  useFactory: (secrets: KeyVaultSecrets, config: PatientTestsConfig) =>
    rotatingSecret(secrets, 'AUDIT_API_KEY', config.AUDIT_API_KEY),
};
