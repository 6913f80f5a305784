import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import {
  API_KEY_HEADER,
  API_KEY_QUERY,
  FORWARDED_API_KEY_HEADER,
} from './api-key-names';
import { ApiKeys, matchingKeyName } from './api-keys';
import type { RequestWithKeyName } from './caller';
import { cameThroughGateway } from './gateway';
import { IS_PUBLIC } from './public.decorator';

/** Options of the guard, provided by the app from its configuration. */
export abstract class ApiKeyGuardOptions {
  /** True inside Azure Functions, where the host has already checked a function key. */
  abstract readonly hostChecksKeys: boolean;
  /** The secrets API Management sends in `x-gateway-secret`; empty: no request is trusted as its. */
  abstract readonly gatewaySecrets: ApiKeys;
  /**
   * True when API Management authenticates itself to the Functions host with a host key of its own
   * and forwards the caller's key in `x-forwarded-functions-key`: on a request that carries the
   * gateway secret, that header (when present) is the key checked, not `x-functions-key`.
   */
  abstract readonly gatewayForwardsCallerKeys?: boolean;
}

/**
 * What `ApiKeyGuard` read before it took `code` out of the query. Kept beside the request rather than
 * on it, so nothing that serializes a request (logs, errors) can carry the key.
 */
const keysReadByTheGuard = new WeakMap<FastifyRequest, string | undefined>();

/** The key a request presents, in the header or the query parameter. */
export function presentedApiKey(request: FastifyRequest): string | undefined {
  if (keysReadByTheGuard.has(request)) {
    return keysReadByTheGuard.get(request);
  }
  return keyInRequest(request);
}

function keyInRequest(request: FastifyRequest): string | undefined {
  const header = request.headers[API_KEY_HEADER];
  if (typeof header === 'string') {
    return header;
  }
  const query = (request.query as Record<string, unknown> | undefined)?.[
    API_KEY_QUERY
  ];
  return typeof query === 'string' ? query : undefined;
}

function forwardedKey(request: FastifyRequest): string | undefined {
  const header = request.headers[FORWARDED_API_KEY_HEADER];
  return typeof header === 'string' ? header : undefined;
}

/**
 * Takes the key out of the query when the query is where it came from, so no query schema declares
 * it and no handler sees it. With the key in the header, `code` is left alone: it is then a route's
 * own parameter (FHIR's Observation search by `code`), and dropping it would silently widen a search.
 */
function dropApiKeyQuery(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined;
  if (
    typeof request.headers[API_KEY_HEADER] !== 'string' &&
    query !== null &&
    typeof query === 'object'
  ) {
    delete query[API_KEY_QUERY];
  }
}

/** Global guard: every route needs a valid key unless marked `@Public()`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
    private readonly options: ApiKeyGuardOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithKeyName>();
    request.viaGateway = cameThroughGateway(
      request,
      this.options.gatewaySecrets.current(),
    );
    const presented =
      (request.viaGateway && this.options.gatewayForwardsCallerKeys
        ? forwardedKey(request)
        : undefined) ?? keyInRequest(request);
    keysReadByTheGuard.set(request, presented);
    // Guards run before pipes: the handler's query is what is left.
    dropApiKeyQuery(request);
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      return true;
    }
    const keys = this.keys.current();
    if (keys.length === 0 && this.options.hostChecksKeys) {
      return true;
    }
    const name =
      presented === undefined ? undefined : matchingKeyName(presented, keys);
    if (name === undefined) {
      throw new DomainError(
        'UNAUTHORIZED',
        401,
        `A valid API key is required in the ${API_KEY_HEADER} header or the ${API_KEY_QUERY} query parameter.`,
      );
    }
    // Who called, for the audit register: the key's name, never the key.
    request.apiKeyName = name;
    return true;
  }
}
