import type { FastifyReply } from 'fastify';
import { DomainError } from '../errors/domain-error';

/**
 * A resource with its version. Handlers return it as is; `sendResults` sends the resource as the
 * body and the version as a strong `ETag`, for optimistic concurrency with `If-Match`.
 */
export class Versioned<T> {
  constructor(
    readonly value: T,
    readonly version: number,
  ) {}
}

export const etagOf = (version: number) => `"${version}"`;

/** What an `If-Match` header allows: any current version (`*`), or one of the listed versions. */
export type IfMatch = { any: true } | { any: false; versions: number[] };

/**
 * Parses `If-Match` (RFC 9110 13.1.1): `*`, or a list of strong entity tags. Weak tags never match
 * (If-Match uses strong comparison) and tags this API did not issue match nothing, so both give 412.
 * Undefined when the header is absent: the write is then unconditional, as the seed's clients expect.
 */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) {
    return undefined;
  }
  if (header.trim() === '*') {
    return { any: true };
  }
  const versions = header
    .split(',')
    .map((tag) => /^"(\d{1,15})"$/.exec(tag.trim())?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number);
  return { any: false, versions };
}

export const preconditionFailed = () =>
  new DomainError(
    'PRECONDITION_FAILED',
    412,
    'The resource changed since the ETag in If-Match; read it again.',
  );

/** Sends a returned `Versioned` as its value with an `ETag` header (see `sendResults`). */
export function sendVersioned(result: unknown, reply: FastifyReply): unknown {
  if (!(result instanceof Versioned)) {
    return result;
  }
  reply.header('etag', etagOf(result.version));
  return result.value as unknown;
}
