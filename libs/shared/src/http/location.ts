import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { GLOBAL_PREFIX } from './constants';

const LOCATION = 'http:location';

/** Sets `Location` on a created resource, from the handler's result, e.g. `(p) => \`patient/${p.id}\``. */
export const Location = <T>(pathOf: (created: T) => string) =>
  SetMetadata(LOCATION, pathOf);

/**
 * Where `Location` headers point: `publicApiUrl` is the URL clients reach the API at (the app's
 * `PUBLIC_API_URL`), unset for a client that calls the app directly.
 */
export abstract class LocationOptions {
  abstract readonly publicApiUrl?: string;
}

/**
 * The `Location` of the resource at `path` (relative to the route prefix): absolute on `publicApiUrl`
 * when given, since behind API Management the API's own path is in no header the app receives and a
 * root-relative path would lead a client out of the API; else root-relative, on the route prefix.
 */
export const locationOf = (path: string, publicApiUrl?: string): string =>
  `${publicApiUrl ?? `/${GLOBAL_PREFIX}`}/${path}`;

/**
 * What sets `Location` for a handler that declares `@Location`, from its (unwrapped) result; undefined
 * for any other handler. Used by `ResultInterceptor`.
 */
export function locationSender(
  reflector: Reflector,
  handler: ReturnType<ExecutionContext['getHandler']>,
  { publicApiUrl }: LocationOptions,
): ((created: unknown, reply: FastifyReply) => unknown) | undefined {
  const pathOf = reflector.get<((created: unknown) => string) | undefined>(
    LOCATION,
    handler,
  );
  if (!pathOf) {
    return undefined;
  }
  return (created, reply) => {
    reply.header('location', locationOf(pathOf(created), publicApiUrl));
    return created;
  };
}
