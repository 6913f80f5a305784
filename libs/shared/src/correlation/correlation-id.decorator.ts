import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { correlationIdOf } from './correlation';

/** Injects the request's correlation id (its W3C trace id). */
export const CorrelationId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    correlationIdOf(context.switchToHttp().getRequest<FastifyRequest>().raw),
);
