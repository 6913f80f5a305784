import type { FastifyReply } from 'fastify';

/** Response header of a replayed outcome. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/**
 * What a handler that keeps its own idempotency records (the audit append) returns for a replay: the
 * original response body, sent with `Idempotent-Replayed: true`.
 */
export class Replayed<T> {
  constructor(readonly value: T) {}
}

/** Sends a returned `Replayed` as its value with `Idempotent-Replayed: true` (see `sendResults`). */
export function sendReplayed(result: unknown, reply: FastifyReply): unknown {
  if (!(result instanceof Replayed)) {
    return result;
  }
  reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return result.value as unknown;
}
