import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { GLOBAL_PREFIX } from './constants';

const LOCATION = 'http:location';

/** Sets `Location` on a created resource, from the handler's result, e.g. `(p) => \`patient/${p.id}\``. */
export const Location = <T>(pathOf: (created: T) => string) =>
  SetMetadata(LOCATION, pathOf);

/**
 * What sets `Location` for a handler that declares `@Location`, from its (unwrapped) result; undefined
 * for any other handler. Used by `ResultInterceptor`.
 */
export function locationSender(
  reflector: Reflector,
  handler: ReturnType<ExecutionContext['getHandler']>,
): ((created: unknown, reply: FastifyReply) => unknown) | undefined {
  const pathOf = reflector.get<((created: unknown) => string) | undefined>(
    LOCATION,
    handler,
  );
  if (!pathOf) {
    return undefined;
  }
  return (created, reply) => {
    reply.header('location', `/${GLOBAL_PREFIX}/${pathOf(created)}`);
    return created;
  };
}
