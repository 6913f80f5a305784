import { DomainError } from '@app/shared/errors';
import {
  matchesAnyKey,
  presentedApiKey,
  RequestWithKeyName,
} from '@app/shared/http';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUDIT_ROLE, AuditRole, AuditRoleKeys } from './audit-role';

const FORBIDDEN_DETAIL: Record<AuditRole, string> = {
  append: 'This key may not append audit records.',
  reader:
    'This key may not read the audit register: reading, querying and verifying need a reader key.',
};

/**
 * Runs after the platform's key guard (which accepted a key of any role) and lets the request through
 * only when its key belongs to the role the route declares; a route that declares none is refused.
 * Also inside Azure Functions: the host checks only that some function key was sent, not its role.
 */
@Injectable()
export class AuditRoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: AuditRoleKeys,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const role = this.reflector.get<AuditRole | undefined>(
      AUDIT_ROLE,
      context.getHandler(),
    );
    const presented = presentedApiKey(
      context.switchToHttp().getRequest<RequestWithKeyName>(),
    );
    if (
      role !== undefined &&
      presented !== undefined &&
      matchesAnyKey(presented, this.keys.keysOf(role))
    ) {
      return true;
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
