import { ApiKeys, CombinedApiKeys } from '@app/shared/http';
import { apiKeysFrom, KeyVaultSecrets } from '@app/shared/key-vault';
import { SetMetadata } from '@nestjs/common';
import type { AuditConfig } from '../config/audit.config';

/**
 * What a key may do with the register. `append`: the keys patient-tests holds (`API_KEYS`), which may
 * add records and nothing else, so a taken-over patient-tests cannot read who saw what. `reader`: the
 * auditors' keys (`AUDIT_READER_KEYS`), which may list, query and verify, never append.
 */
export type AuditRole = 'append' | 'reader';

export const AUDIT_ROLE = 'audit:role';

/** Declares the role a route needs; a route without one is refused (deny by default). */
export const RequiresRole = (role: AuditRole) => SetMetadata(AUDIT_ROLE, role);

/** The keys of each role as they are now (refreshed from Key Vault when it holds them). */
export class AuditRoleKeys {
  constructor(private readonly byRole: Readonly<Record<AuditRole, ApiKeys>>) {}

  static from(config: AuditConfig, secrets: KeyVaultSecrets): AuditRoleKeys {
    return new AuditRoleKeys({
      append: apiKeysFrom(secrets, config.API_KEYS, 'API_KEYS'),
      reader: apiKeysFrom(
        secrets,
        config.AUDIT_READER_KEYS,
        'AUDIT_READER_KEYS',
      ),
    });
  }

  keysOf(role: AuditRole): readonly string[] {
    return this.byRole[role].current();
  }

  /** Every key of every role: what the platform's key guard authenticates with. */
  all(): ApiKeys {
    return new CombinedApiKeys([this.byRole.append, this.byRole.reader]);
  }
}
