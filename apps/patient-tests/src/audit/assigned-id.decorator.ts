import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The id the server assigns to a resource being created; the audit record names it before the write. */
export type RequestWithAssignedId = FastifyRequest & { assignedId?: string };

/** Injects the id assigned (and audited) by the audit interceptor for a create route. */
export const AssignedId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const id = context
      .switchToHttp()
      .getRequest<RequestWithAssignedId>().assignedId;
    if (!id) {
      throw new Error(
        '@AssignedId() used on a route whose @Audited action does not assign an id',
      );
    }
    return id;
  },
);
