import type { FastifyRequest } from 'fastify';
import { matchesAnyKey } from './api-keys';

/**
 * Header API Management adds to every request it forwards, with a secret its policy reads from a Key
 * Vault named value. Only a request that carries it (matching `GATEWAY_SECRET`) provably came through
 * the gateway, so only then are the gateway's own headers (subscription id, X-Forwarded-For) trusted.
 */
export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';

/**
 * True when `request` carries one of `secrets` (old and new overlap during a rotation) in
 * {@link GATEWAY_SECRET_HEADER}, compared in constant time. No secrets configured: never.
 */
export function cameThroughGateway(
  request: FastifyRequest,
  secrets: readonly string[],
): boolean {
  const presented = request.headers[GATEWAY_SECRET_HEADER];
  return (
    secrets.length > 0 &&
    typeof presented === 'string' &&
    matchesAnyKey(presented, secrets)
  );
}
