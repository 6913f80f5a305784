import { RotatingSecret, rotatingSecretProvider } from '@app/shared/key-vault';

/** The key patient-tests presents to the audit API (`AUDIT_API_KEY`), rotated in Key Vault. */
export abstract class AuditApiKey extends RotatingSecret {}

export const auditApiKeyProvider = rotatingSecretProvider(
  AuditApiKey,
  'AUDIT_API_KEY',
);
