import { ApiKeys } from '@app/shared/http';
import { apiKeysProvider } from '@app/shared/key-vault';

/** The auditors' keys (`AUDIT_READER_KEYS`): they may list, query and verify the register, never append. */
export abstract class AuditReaderKeys extends ApiKeys {}

export const auditReaderKeysProvider = apiKeysProvider(
  AuditReaderKeys,
  'AUDIT_READER_KEYS',
);
