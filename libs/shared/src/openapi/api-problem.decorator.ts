import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type {
  HeadersObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CORRELATION_HEADER } from '../correlation/correlation';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { BODY_LIMIT_TEXT } from '../http/constants';
import { CONTINUATION_HEADER } from '../paging/paging';

/** Name of the problem+json schema in `components.schemas` (added by `buildOpenApiDocument`). */
export const PROBLEM_SCHEMA_NAME = 'Problem';

/** The problem+json body of every error response, as documented in the OpenAPI document. */
export const problemSchema: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'correlationId'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    correlationId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const problemReference: ReferenceObject = {
  $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}`,
};

/** The response headers the apps send, by the name routes list them with in `responseHeaders`. */
const RESPONSE_HEADERS = {
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
      description: 'The path of the created resource.',
      required: true,
      schema: { type: 'string', pattern: '^/api/' },
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

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid.',
  401: 'The API key is missing or wrong.',
  403: 'The API key is valid but its role does not allow this route.',
  404: 'The resource does not exist.',
  409: 'The request conflicts with the current state (for an Idempotency-Key still in flight: retry after Retry-After).',
  412: 'The If-Match precondition failed.',
  413: `The body is larger than ${BODY_LIMIT_TEXT}.`,
  415: 'The body is not JSON.',
  422: 'The Idempotency-Key was used with a different request.',
  503: 'A dependency is unavailable; retry after the Retry-After seconds.',
};

/** Which problem responses carry `Retry-After`: always on 503, and on 409 when a retry can succeed. */
function problemHeaders(status: number): HeadersObject {
  if (status === 503) {
    return responseHeaders('retryAfter');
  }
  if (status === 409) {
    return {
      ...responseHeaders(),
      [RESPONSE_HEADERS.retryAfter.name]: {
        ...RESPONSE_HEADERS.retryAfter.header,
        required: false,
      },
    };
  }
  return responseHeaders();
}

const problemResponses = (statuses: number[]) =>
  applyDecorators(
    ...[...new Set(statuses)]
      .sort((a, b) => a - b)
      .map((status) =>
        ApiResponse({
          status,
          description: DESCRIPTIONS[status] ?? 'Error.',
          headers: problemHeaders(status),
          content: { [PROBLEM_CONTENT_TYPE]: { schema: problemReference } },
        }),
      ),
  );

/** Documents the listed error statuses (plus 401 and 503, which every protected route can answer). */
export const ApiProblemResponses = (...statuses: number[]) =>
  problemResponses([...statuses, 401, 503]);

/** Documents the listed error statuses of a route without a key (`@Public()`): 503 is always possible. */
export const ApiPublicProblemResponses = (...statuses: number[]) =>
  problemResponses([...statuses, 503]);

/** Documents the optional `If-Match` request header of an update. */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag of the version read: the update is refused with 412 when the resource changed since. ' +
      'Without it the update is unconditional (clients of the seed do not send it).',
    schema: { type: 'string' },
  });

/** Documents the optional `Idempotency-Key` request header of a create, and what it can answer. */
export const ApiIdempotencyKey = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes the create safe to retry for 24 h: a replay with the same body gets the first response ' +
        '(header Idempotent-Replayed), another body 422, a replay while the first runs 409. ' +
        '1-255 visible ASCII characters, optionally quoted.',
      schema: { type: 'string', minLength: 1, maxLength: 257 },
    }),
    ApiProblemResponses(409, 422),
  );
