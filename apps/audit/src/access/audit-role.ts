import { ApiKeys } from '@app/shared/http';
import { SetMetadata } from '@nestjs/common';

/**
 * What a key may do with the register. `append`: the keys patient-tests holds (`API_KEYS`), which may
 * add records and nothing else, so a taken-over patient-tests cannot read who saw what. `reader`: the
 * auditors' keys (`AUDIT_READER_KEYS`), which may list, query and verify, never append.
 */
export type AuditRole = 'append' | 'reader';

export const AUDIT_ROLE = 'audit:role';

/** Declares the role a route needs; a route without one is refused (deny by default). */
export const RequiresRole = (role: AuditRole) => SetMetadata(AUDIT_ROLE, role);

/**
 * The keys of each role as they are now (refreshed from Key Vault when it holds them). As `ApiKeys`,
 * every key of every role: what the platform's key guard authenticates with.
 */
export class AuditRoleKeys extends ApiKeys {
  constructor(private readonly byRole: Readonly<Record<AuditRole, ApiKeys>>) {
    super();
  }

  keysOf(role: AuditRole): readonly string[] {
    return this.byRole[role].current();
  }

  current(): readonly string[] {
    return [...this.byRole.append.current(), ...this.byRole.reader.current()];
  }
}
