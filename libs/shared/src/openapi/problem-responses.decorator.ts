import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { BODY_LIMIT_TEXT } from '../http/constants';
import { problemReference } from './problem-schema';
import { RESPONSE_HEADERS, responseHeaders } from './response-headers';

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
