import type { FastifyRequest } from 'fastify';
import { BadRequestError } from '../errors/domain-error';

/** A host name, IPv4 address or bracketed IPv6 address, with an optional port: nothing else. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The scheme and host the client addressed (Host, or X-Forwarded-Host and -Proto through a trusted
 * proxy), for absolute URLs the app sends back when no `PUBLIC_API_URL` says where it is published.
 * The host comes from the client, so anything but a host name is refused (400 `INVALID_HOST`) rather
 * than written into a URL the client or a cache will follow.
 */
export function requestOrigin(request: FastifyRequest): string {
  if (!HOST.test(request.host)) {
    throw new BadRequestError(
      'INVALID_HOST',
      'The Host header is not a host name.',
    );
  }
  const scheme = request.protocol === 'https' ? 'https' : 'http';
  return `${scheme}://${request.host}`;
}
