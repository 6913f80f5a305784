import type { HeadersObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CORRELATION_HEADER } from '../correlation/correlation';
import { CONTINUATION_HEADER } from '../paging/paging';

/** The response headers the apps send, by the name routes list them with in `responseHeaders`. */
export const RESPONSE_HEADERS = {
  correlationId: {
    name: CORRELATION_HEADER,
    header: {
      description: 'The W3C trace id of the request, also in every log line.',
      required: true,
      schema: { type: 'string', pattern: '^[0-9a-f]{32}$' },
    },
  },
  etag: {
    name: 'ETag',
    header: {
      description:
        'The version of the resource, for If-Match on the next update.',
      required: true,
      schema: { type: 'string', pattern: '^"[0-9]+"$' },
    },
  },
  location: {
    name: 'Location',
    header: {
      description:
        "The created resource's URL: absolute on the API's public URL where one is configured (behind API Management), else a path from the server root (/api/...).",
      required: true,
      schema: { type: 'string', format: 'uri-reference' },
    },
  },
  continuationToken: {
    name: CONTINUATION_HEADER,
    header: {
      description:
        'Present when more results exist: pass it as continuationToken for the next page.',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 512 },
    },
  },
  idempotentReplayed: {
    name: 'Idempotent-Replayed',
    header: {
      description:
        'true when this is the stored response of an earlier request with the same Idempotency-Key.',
      required: false,
      schema: { type: 'string', enum: ['true'] },
    },
  },
  retryAfter: {
    name: 'Retry-After',
    header: {
      description: 'Seconds to wait before retrying.',
      required: true,
      schema: { type: 'string', pattern: '^[0-9]+$' },
    },
  },
} satisfies Record<string, { name: string; header: HeadersObject[string] }>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/**
 * The OpenAPI `headers` of a response: `x-correlation-id` (every response has it) plus the listed ones,
 * e.g. `@ApiCreatedResponse({ type: PatientDto, headers: responseHeaders('etag', 'location') })`.
 */
export function responseHeaders(...names: ResponseHeaderName[]): HeadersObject {
  return Object.fromEntries(
    (['correlationId', ...names] as ResponseHeaderName[]).map((name) => [
      RESPONSE_HEADERS[name].name,
      RESPONSE_HEADERS[name].header,
    ]),
  );
}
