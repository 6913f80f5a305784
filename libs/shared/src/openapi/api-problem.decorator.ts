import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';

/** The problem+json body of every error response, as documented in the OpenAPI document. */
const problemSchema: SchemaObject = {
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

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid.',
  401: 'The API key is missing or wrong.',
  404: 'The resource does not exist.',
  409: 'The request conflicts with the current state.',
  412: 'The If-Match precondition failed.',
  413: 'The body is larger than 64 KiB.',
  415: 'The body is not JSON.',
  422: 'The request cannot be processed as sent.',
  503: 'A dependency is unavailable; retry after the Retry-After seconds.',
};

/** Documents the listed error statuses (plus 401 and 503, which every protected route can answer). */
export const ApiProblemResponses = (...statuses: number[]) =>
  applyDecorators(
    ...[...new Set([...statuses, 401, 503])].sort().map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error.',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      }),
    ),
  );
