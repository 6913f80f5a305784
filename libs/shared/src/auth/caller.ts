import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { withoutEmpty } from '../json/without-empty';

/**
 * Header API Management sets (its policy overwrites whatever a client sent) with the id of the
 * subscription that called. Trusted only on a request that proves it came through the gateway.
 */
export const APIM_SUBSCRIPTION_HEADER = 'x-apim-subscription-id';

/** What a request's headers claimed about its caller without proof that the gateway set them. */
export interface UnverifiedCaller {
  /** `subscription:<id>` from `x-apim-subscription-id`. */
  actor?: string;
  /** The first X-Forwarded-For hop. */
  clientAddress?: string;
}

/** Who made a request, for the audit register. Never the key itself. */
export interface Caller {
  /**
   * Verified: `subscription:<id>` when the request came through API Management (gateway secret
   * matched), else `key:<name>` for the key that authenticated it.
   */
  actor?: string;
  /**
   * Verified: the first X-Forwarded-For hop through API Management, else the connection's peer
   * address (in Azure Functions the host's loopback, since the host hands the request over in-process).
   */
  clientAddress?: string;
  /** Present when headers claimed a subscription or a forwarded address that could not be verified. */
  unverified?: UnverifiedCaller;
}

/**
 * The request as the API key guard leaves it: the name of the key that authenticated it, and whether
 * it carried the gateway's secret.
 */
export type RequestWithKeyName = FastifyRequest & {
  apiKeyName?: string;
  viaGateway?: boolean;
};

const MAX_ACTOR = 128;
const MAX_ADDRESS = 64;

function firstForwardedHop(request: FastifyRequest): string | undefined {
  const header = request.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first ? first.slice(0, MAX_ADDRESS) : undefined;
}

function subscriptionOf(request: FastifyRequest): string | undefined {
  const subscription = request.headers[APIM_SUBSCRIPTION_HEADER];
  return typeof subscription === 'string' && subscription.length > 0
    ? `subscription:${subscription}`.slice(0, MAX_ACTOR)
    : undefined;
}

/**
 * The request's caller. Headers name the caller only when the request came through API Management;
 * anyone else can send them, so then they are kept apart as `unverified` and the verified fields say
 * what the server itself knows: the key and the connection.
 */
export function callerOf(request: RequestWithKeyName): Caller {
  const keyActor = request.apiKeyName ? `key:${request.apiKeyName}` : undefined;
  const subscription = subscriptionOf(request);
  const forwardedFor = firstForwardedHop(request);
  if (request.viaGateway) {
    return withoutEmpty({
      actor: subscription ?? keyActor,
      clientAddress: forwardedFor ?? peerAddress(request),
    });
  }
  const unverified =
    subscription !== undefined || forwardedFor !== undefined
      ? withoutEmpty({ actor: subscription, clientAddress: forwardedFor })
      : undefined;
  return withoutEmpty({
    actor: keyActor,
    clientAddress: peerAddress(request),
    unverified,
  });
}

const peerAddress = (request: FastifyRequest) =>
  request.socket?.remoteAddress?.slice(0, MAX_ADDRESS);

/** Injects the request's `Caller`. */
export const RequestCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller =>
    callerOf(context.switchToHttp().getRequest<RequestWithKeyName>()),
);
