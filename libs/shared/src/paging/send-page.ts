import type { FastifyReply } from 'fastify';
import { CONTINUATION_HEADER, Page } from './paging';

/**
 * Sends a returned `Page` as a JSON array, with `x-continuation-token` when more results exist
 * (see `sendResults`).
 */
export function sendPage(result: unknown, reply: FastifyReply): unknown {
  if (!(result instanceof Page)) {
    return result;
  }
  if (result.continuationToken) {
    reply.header(CONTINUATION_HEADER, result.continuationToken);
  }
  return result.items as unknown[];
}
