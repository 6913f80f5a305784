import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AUDIT_ACTION, AuditAction } from './audited.decorator';

// Keyed by the request, so the id lives exactly as long as the request and no field is added to it.
const assignedIds = new WeakMap<FastifyRequest, string>();

/**
 * The id the server assigns to the resource a create request makes: made on the first call and the
 * same on every later call for that request. The audit interceptor (which names it in the attempt
 * record, before the write) and the handler (through `@AssignedId()`) both read it here, so neither
 * depends on the other having run first.
 */
export function assignedIdOf(request: FastifyRequest): string {
  let id = assignedIds.get(request);
  if (id === undefined) {
    id = randomUUID();
    assignedIds.set(request, id);
  }
  return id;
}

/** Injects the id assigned to the resource a create route makes (see `assignedIdOf`). */
export const AssignedId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const action = Reflect.getMetadata(AUDIT_ACTION, context.getHandler()) as
      AuditAction | undefined;
    // An id the audit record does not name would be a write without its record.
    if (action?.resourceId !== 'assigned') {
      throw new Error(
        "@AssignedId() used on a route whose @Audited action does not declare resourceId: 'assigned'",
      );
    }
    return assignedIdOf(context.switchToHttp().getRequest<FastifyRequest>());
  },
);
