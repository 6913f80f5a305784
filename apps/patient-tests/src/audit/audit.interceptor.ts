import { randomUUID } from 'node:crypto';
import { callerOf, correlationIdOf, truncateText } from '@app/shared';
import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, Observable, switchMap } from 'rxjs';
import { AuditClient } from './audit-client';
import type { RequestWithAssignedId } from './assigned-id.decorator';
import { AUDIT_ACTION, AuditAction } from './audited.decorator';

/**
 * Records every declared access in the audit register *before* the handler runs: a write is audited
 * before it happens, a read before data is returned, and when the audit fails nothing happens (503).
 * Attempts that are then rejected (invalid body, unknown id) stay recorded: they are accesses too.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditClient,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<AuditAction | undefined>(
      AUDIT_ACTION,
      context.getHandler(),
    );
    if (!action) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<RequestWithAssignedId>();
    const resourceId = this.resourceIdFor(action, request);
    const entry = {
      resource: action.resource,
      operation: action.operation,
      resourceId,
    };
    return from(
      this.audit.record(entry, correlationIdOf(request.raw), callerOf(request)),
    ).pipe(switchMap(() => next.handle()));
  }

  private resourceIdFor(
    action: AuditAction,
    request: RequestWithAssignedId,
  ): string | undefined {
    if (action.resourceId === 'assigned') {
      request.assignedId = randomUUID();
      return request.assignedId;
    }
    if (action.resourceId === 'none') {
      return undefined;
    }
    const value = (request.params as Record<string, string | undefined>)[
      action.resourceId.param
    ];
    // Audit ids are bounded like every other string; a longer one cannot name a resource anyway.
    // Cut between characters: half an emoji would be stored as U+FFFD but hashed as itself.
    return value === undefined ? undefined : truncateText(value, 128);
  }
}
