import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GLOBAL_PREFIX } from './constants';

/** The route config entry (Fastify's `config`, where `@RouteConfig` puts it) that holds the path. */
const LOCATION = 'location';

type PathOf = (created: unknown) => string;

/**
 * Sets `Location` on a created resource, from the handler's result, e.g. `(p) => \`patient/${p.id}\``.
 * It is the route's Fastify config, read when the reply is sent (`sendResults`); the apps may not use
 * `@RouteConfig`, which would replace it (eslint.config.mjs).
 */
export const Location = <T>(pathOf: (created: T) => string) =>
  RouteConfig({ [LOCATION]: pathOf });

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
 * Sets `Location` on the reply of a route that declares `@Location`, from its (unwrapped) result;
 * passes any other route's result through. One of `sendResults`' senders.
 */
export function locationSender({ publicApiUrl }: LocationOptions) {
  return (created: unknown, reply: FastifyReply, request: FastifyRequest) => {
    const pathOf = (request.routeOptions.config as { [LOCATION]?: PathOf })[
      LOCATION
    ];
    if (pathOf) {
      reply.header('location', locationOf(pathOf(created), publicApiUrl));
    }
    return created;
  };
}
