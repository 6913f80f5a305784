import { DomainError } from '@app/shared/errors';
import {
  correlationIdOf,
  matchesAnyKey,
  presentedApiKey,
  RequestWithKeyName,
} from '@app/shared/http';
import {
  CanActivate,
  ExecutionContext,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUDIT_ROLE, AuditRole, AuditRoleKeys } from './audit-role';

const FORBIDDEN_DETAIL: Record<AuditRole, string> = {
  append: 'This key may not append audit records.',
  reader:
    'This key may not read the audit register: reading, querying and verifying need a reader key.',
};

const OTHER_ROLE: Record<AuditRole, AuditRole> = {
  append: 'reader',
  reader: 'append',
};

/**
 * Runs after the platform's key guard (which accepted a key of any role) and lets the request through
 * only when its key belongs to the role the route declares, and to that role alone; a route that
 * declares none is refused. Also inside Azure Functions: the host checks only that some function key
 * was sent, not its role.
 *
 * A key in both roles' lists is refused for both. Start-up refuses such lists, but Key Vault's copies
 * rotate while the app runs and each is checked on its own then; a key in both would let one holder
 * append and read who saw what, the separation of duties the roles exist for.
 */
@Injectable()
export class AuditRoleGuard implements CanActivate {
  private readonly logger = new Logger(AuditRoleGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: AuditRoleKeys,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const role = this.reflector.get<AuditRole | undefined>(
      AUDIT_ROLE,
      context.getHandler(),
    );
    const request = context.switchToHttp().getRequest<RequestWithKeyName>();
    const presented = presentedApiKey(request);
    if (
      role !== undefined &&
      presented !== undefined &&
      matchesAnyKey(presented, this.keys.keysOf(role))
    ) {
      if (!matchesAnyKey(presented, this.keys.keysOf(OTHER_ROLE[role]))) {
        return true;
      }
      // Never the key itself: only that the lists must be fixed.
      this.logger.warn(
        { correlationId: correlationIdOf(request.raw) },
        'refused a key that is in both the append and the reader key lists: fix the lists in Key Vault',
      );
    }
    throw new DomainError(
      'FORBIDDEN',
      403,
      role === undefined
        ? 'This route is not open to any key.'
        : FORBIDDEN_DETAIL[role],
    );
  }
}
