import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Header API Management sets (its policy overwrites whatever a client sent) with the id of the
 * subscription that called. The Function Apps accept traffic only from API Management's subnet.
 */
export const APIM_SUBSCRIPTION_HEADER = 'x-apim-subscription-id';

/** Who made a request, for the audit register. Never the key itself. */
export interface Caller {
  /** `subscription:<id>` behind API Management, `key:<name>` for a direct call with a named key. */
  actor?: string;
  /** The client's address: the first X-Forwarded-For hop (Fastify trusts the proxy), else the peer. */
  clientAddress?: string;
}

/** The name of the key that authenticated a request, set by the API key guard. */
export type RequestWithKeyName = FastifyRequest & { apiKeyName?: string };

const MAX_ACTOR = 128;

export function callerOf(request: RequestWithKeyName): Caller {
  const subscription = request.headers[APIM_SUBSCRIPTION_HEADER];
  const actor =
    typeof subscription === 'string' && subscription.length > 0
      ? `subscription:${subscription}`
      : request.apiKeyName
        ? `key:${request.apiKeyName}`
        : undefined;
  return {
    actor: actor?.slice(0, MAX_ACTOR),
    clientAddress: request.ip?.slice(0, 64),
  };
}

/** Injects the request's `Caller`. */
export const RequestCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller =>
    callerOf(context.switchToHttp().getRequest<RequestWithKeyName>()),
);
